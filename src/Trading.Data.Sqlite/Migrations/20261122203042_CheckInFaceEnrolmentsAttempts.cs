using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CheckInFaceEnrolmentsAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CheckInAttempts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SessionId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Room = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ClaimedExpertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    OperatorUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Decision = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ReasonArgs = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ImageSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ImageBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    MatchScore = table.Column<float>(type: "REAL", nullable: true),
                    LiveScore = table.Column<float>(type: "REAL", nullable: true),
                    BestOtherExpertId = table.Column<Guid>(type: "TEXT", nullable: true),
                    BestOtherScore = table.Column<float>(type: "REAL", nullable: true),
                    SubstitutionFlagged = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProcessingMs = table.Column<double>(type: "REAL", nullable: false),
                    OverriddenAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    OverriddenByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OverrideReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckInAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CheckInAttempts_AspNetUsers_OperatorUserId",
                        column: x => x.OperatorUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CheckInAttempts_EvaluationSession_SessionId",
                        column: x => x.SessionId,
                        principalTable: "EvaluationSession",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CheckInAttempts_PoolExperts_ClaimedExpertId",
                        column: x => x.ClaimedExpertId,
                        principalTable: "PoolExperts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "FaceEnrolments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExpertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ProtectedTemplate = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    PhotoCount = table.Column<int>(type: "INTEGER", nullable: false),
                    PhotoSha256 = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PhotoKeys = table.Column<string>(type: "TEXT", nullable: false),
                    EnrolledAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EnrolledByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Generation = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FaceEnrolments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FaceEnrolments_AspNetUsers_EnrolledByUserId",
                        column: x => x.EnrolledByUserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_FaceEnrolments_PoolExperts_ExpertId",
                        column: x => x.ExpertId,
                        principalTable: "PoolExperts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CheckInAttempts_ClaimedExpertId_At",
                table: "CheckInAttempts",
                columns: new[] { "ClaimedExpertId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CheckInAttempts_OperatorUserId",
                table: "CheckInAttempts",
                column: "OperatorUserId");

            migrationBuilder.CreateIndex(
                name: "IX_CheckInAttempts_SessionId_At",
                table: "CheckInAttempts",
                columns: new[] { "SessionId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_FaceEnrolments_EnrolledByUserId",
                table: "FaceEnrolments",
                column: "EnrolledByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_FaceEnrolments_ExpertId",
                table: "FaceEnrolments",
                column: "ExpertId",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CheckInAttempts");

            migrationBuilder.DropTable(
                name: "FaceEnrolments");
        }
    }
}
