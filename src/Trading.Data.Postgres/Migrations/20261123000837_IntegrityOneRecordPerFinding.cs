using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class IntegrityOneRecordPerFinding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_BadBehaviourRecord_CollusionFindingRef_SubjectId",
                table: "BadBehaviourRecord",
                columns: new[] { "CollusionFindingRef", "SubjectId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_BadBehaviourRecord_CollusionFindingRef_SubjectId",
                table: "BadBehaviourRecord");
        }
    }
}
