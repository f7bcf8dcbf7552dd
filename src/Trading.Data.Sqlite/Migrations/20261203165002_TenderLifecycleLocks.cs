using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class TenderLifecycleLocks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LockNote",
                table: "Tenders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LockedAt",
                table: "Tenders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RetenderOfId",
                table: "Tenders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FailedReason",
                table: "Lots",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LockNote",
                table: "Tenders");

            migrationBuilder.DropColumn(
                name: "LockedAt",
                table: "Tenders");

            migrationBuilder.DropColumn(
                name: "RetenderOfId",
                table: "Tenders");

            migrationBuilder.DropColumn(
                name: "FailedReason",
                table: "Lots");
        }
    }
}
