using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SealStamps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SealStamps",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    RecordId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IssuedStorageKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    IssuedSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    StampedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    StampedStorageKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    StampedSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    StampTime = table.Column<DateTime>(type: "TEXT", nullable: true),
                    TsaSubject = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LogIndex = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SealStamps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SealStamps_Tenders_TenderId",
                        column: x => x.TenderId,
                        principalTable: "Tenders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SealStamps_RecordId",
                table: "SealStamps",
                column: "RecordId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SealStamps_StampedAt",
                table: "SealStamps",
                column: "StampedAt");

            migrationBuilder.CreateIndex(
                name: "IX_SealStamps_TenderId",
                table: "SealStamps",
                column: "TenderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SealStamps");
        }
    }
}
