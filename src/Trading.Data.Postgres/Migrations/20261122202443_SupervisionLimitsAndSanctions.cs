using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SupervisionLimitsAndSanctions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "BadBehaviourRecord",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Sequence = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    SubjectKind = table.Column<int>(type: "integer", nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    SubjectName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Facts = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    RuleBroken = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    EvidenceText = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CollusionFindingRef = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    EvidenceFileName = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: true),
                    EvidenceContentType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    EvidenceLength = table.Column<long>(type: "bigint", nullable: false),
                    EvidenceSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    EvidenceStorageKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Sanction = table.Column<int>(type: "integer", nullable: false),
                    SuspensionStart = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SuspensionEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SuspensionReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    RecordedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BadBehaviourRecord", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LimitColourChange",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LimitCode = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    SubjectKind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    TenderId = table.Column<Guid>(type: "uuid", nullable: true),
                    ResponsibleOrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    AgentOrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    From = table.Column<int>(type: "integer", nullable: false),
                    To = table.Column<int>(type: "integer", nullable: false),
                    CrossedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Completed = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LimitColourChange", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LimitState",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    LimitCode = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    SubjectKind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    SubjectId = table.Column<Guid>(type: "uuid", nullable: false),
                    TenderId = table.Column<Guid>(type: "uuid", nullable: true),
                    StartAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Colour = table.Column<int>(type: "integer", nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LimitState", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SupervisionSetting",
                columns: table => new
                {
                    Key = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupervisionSetting", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "SanctionAppeal",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordId = table.Column<Guid>(type: "uuid", nullable: false),
                    LodgedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Grounds = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Decision = table.Column<int>(type: "integer", nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ReducedEnd = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DecisionReason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    RecordedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    RecordedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SanctionAppeal", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SanctionAppeal_BadBehaviourRecord_RecordId",
                        column: x => x.RecordId,
                        principalTable: "BadBehaviourRecord",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BadBehaviourRecord_Number",
                table: "BadBehaviourRecord",
                column: "Number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_BadBehaviourRecord_SubjectKind_SubjectId",
                table: "BadBehaviourRecord",
                columns: new[] { "SubjectKind", "SubjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_BadBehaviourRecord_Year_Sequence",
                table: "BadBehaviourRecord",
                columns: new[] { "Year", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LimitColourChange_CrossedAt",
                table: "LimitColourChange",
                column: "CrossedAt");

            migrationBuilder.CreateIndex(
                name: "IX_LimitColourChange_TenderId",
                table: "LimitColourChange",
                column: "TenderId");

            migrationBuilder.CreateIndex(
                name: "IX_LimitState_LimitCode_SubjectKind_SubjectId",
                table: "LimitState",
                columns: new[] { "LimitCode", "SubjectKind", "SubjectId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LimitState_TenderId",
                table: "LimitState",
                column: "TenderId");

            migrationBuilder.CreateIndex(
                name: "IX_SanctionAppeal_RecordId",
                table: "SanctionAppeal",
                column: "RecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LimitColourChange");

            migrationBuilder.DropTable(
                name: "LimitState");

            migrationBuilder.DropTable(
                name: "SanctionAppeal");

            migrationBuilder.DropTable(
                name: "SupervisionSetting");

            migrationBuilder.DropTable(
                name: "BadBehaviourRecord");
        }
    }
}
