using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TenderId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    RecordId = table.Column<Guid>(type: "uuid", nullable: false),
                    IssuedStorageKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    IssuedSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    StampedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    StampedStorageKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    StampedSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    StampTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    TsaSubject = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LogIndex = table.Column<long>(type: "bigint", nullable: true)
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
