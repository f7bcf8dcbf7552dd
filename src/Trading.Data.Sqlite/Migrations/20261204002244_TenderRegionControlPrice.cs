using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TenderRegionControlPrice : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Region",
                table: "Tenders",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ControlPriceFen",
                table: "Lots",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Region",
                table: "Tenders");

            migrationBuilder.DropColumn(
                name: "ControlPriceFen",
                table: "Lots");
        }
    }
}
