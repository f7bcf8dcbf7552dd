using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Year = table.Column<int>(type: "INTEGER", nullable: false),
                    Sequence = table.Column<int>(type: "INTEGER", nullable: false),
                    Number = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    SubjectKind = table.Column<int>(type: "INTEGER", nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubjectName = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Facts = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    RuleBroken = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    EvidenceText = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    CollusionFindingRef = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    EvidenceFileName = table.Column<string>(type: "TEXT", maxLength: 260, nullable: true),
                    EvidenceContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    EvidenceLength = table.Column<long>(type: "INTEGER", nullable: false),
                    EvidenceSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    EvidenceStorageKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Sanction = table.Column<int>(type: "INTEGER", nullable: false),
                    SuspensionStart = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SuspensionEnd = table.Column<DateTime>(type: "TEXT", nullable: true),
                    SuspensionReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecordedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecordedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BadBehaviourRecord", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LimitColourChange",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LimitCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    SubjectKind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ResponsibleOrganisationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AgentOrganisationId = table.Column<Guid>(type: "TEXT", nullable: true),
                    From = table.Column<int>(type: "INTEGER", nullable: false),
                    To = table.Column<int>(type: "INTEGER", nullable: false),
                    CrossedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Completed = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LimitColourChange", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LimitState",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    LimitCode = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    SubjectKind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    SubjectId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    StartAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DueAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Colour = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LimitState", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SupervisionSetting",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SupervisionSetting", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "SanctionAppeal",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecordId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LodgedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Grounds = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Decision = table.Column<int>(type: "INTEGER", nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ReducedEnd = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DecisionReason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    RecordedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RecordedByName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
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
