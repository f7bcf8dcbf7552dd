using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
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
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LockedAt",
                table: "Tenders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RetenderOfId",
                table: "Tenders",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FailedReason",
                table: "Lots",
                type: "text",
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
