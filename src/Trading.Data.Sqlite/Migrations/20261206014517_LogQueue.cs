using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LogQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "Ticket",
                table: "LogEntries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "LogTicket",
                table: "Bid",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PendingLogEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Ticket = table.Column<Guid>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SealPurpose = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Nonce = table.Column<byte[]>(type: "BLOB", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PendingLogEntries", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LogEntries_Ticket",
                table: "LogEntries",
                column: "Ticket",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Bid_LogTicket",
                table: "Bid",
                column: "LogTicket",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PendingLogEntries_Ticket",
                table: "PendingLogEntries",
                column: "Ticket",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PendingLogEntries");

            migrationBuilder.DropIndex(
                name: "IX_LogEntries_Ticket",
                table: "LogEntries");

            migrationBuilder.DropIndex(
                name: "IX_Bid_LogTicket",
                table: "Bid");

            migrationBuilder.DropColumn(
                name: "Ticket",
                table: "LogEntries");

            migrationBuilder.DropColumn(
                name: "LogTicket",
                table: "Bid");
        }
    }
}
