using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class EvaluationScoreSheets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeviationReasons",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    BidId = table.Column<Guid>(type: "uuid", nullable: false),
                    ItemCode = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviationReasons", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeviationReasons_EvaluationSession_SessionId",
                        column: x => x.SessionId,
                        principalTable: "EvaluationSession",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ScoreSheets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    SheetJson = table.Column<string>(type: "text", nullable: false),
                    Nonce = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Commitment = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CommittedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LogIndex = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScoreSheets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScoreSheets_CommitteeMember_MemberId",
                        column: x => x.MemberId,
                        principalTable: "CommitteeMember",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ScoreSheets_EvaluationSession_SessionId",
                        column: x => x.SessionId,
                        principalTable: "EvaluationSession",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeviationReasons_SessionId_MemberId_BidId_ItemCode",
                table: "DeviationReasons",
                columns: new[] { "SessionId", "MemberId", "BidId", "ItemCode" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ScoreSheets_MemberId",
                table: "ScoreSheets",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_ScoreSheets_SessionId_MemberId",
                table: "ScoreSheets",
                columns: new[] { "SessionId", "MemberId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeviationReasons");

            migrationBuilder.DropTable(
                name: "ScoreSheets");
        }
    }
}
