using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LogSealedActs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LogSealedActs",
                columns: table => new
                {
                    LogIndex = table.Column<long>(type: "INTEGER", nullable: false),
                    Window = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Nonce = table.Column<byte[]>(type: "BLOB", nullable: true),
                    Entry = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogSealedActs", x => x.LogIndex);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LogSealedActs_TenderId",
                table: "LogSealedActs",
                column: "TenderId");

            migrationBuilder.CreateIndex(
                name: "IX_LogSealedActs_Window",
                table: "LogSealedActs",
                column: "Window");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LogSealedActs");
        }
    }
}
