using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class FirmCertificates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "SignerCertificateId",
                table: "Bid",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "FirmCertificates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    FirmId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RequestPem = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    PublicKey = table.Column<byte[]>(type: "bytea", nullable: false),
                    KeySha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RenewsId = table.Column<Guid>(type: "uuid", nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    DecidedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RejectionReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    SerialNumber = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Certificate = table.Column<byte[]>(type: "bytea", nullable: true),
                    CertificateSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    NotBefore = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    NotAfter = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevocationReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    RevokedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FirmCertificates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FirmCertificates_FirmCertificates_RenewsId",
                        column: x => x.RenewsId,
                        principalTable: "FirmCertificates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_FirmCertificates_Organisations_FirmId",
                        column: x => x.FirmId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Bid_SignerCertificateId",
                table: "Bid",
                column: "SignerCertificateId");

            migrationBuilder.CreateIndex(
                name: "IX_FirmCertificates_FirmId_Status",
                table: "FirmCertificates",
                columns: new[] { "FirmId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_FirmCertificates_KeySha256",
                table: "FirmCertificates",
                column: "KeySha256");

            migrationBuilder.CreateIndex(
                name: "IX_FirmCertificates_RenewsId",
                table: "FirmCertificates",
                column: "RenewsId");

            migrationBuilder.CreateIndex(
                name: "IX_FirmCertificates_SerialNumber",
                table: "FirmCertificates",
                column: "SerialNumber",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Bid_FirmCertificates_SignerCertificateId",
                table: "Bid",
                column: "SignerCertificateId",
                principalTable: "FirmCertificates",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Bid_FirmCertificates_SignerCertificateId",
                table: "Bid");

            migrationBuilder.DropTable(
                name: "FirmCertificates");

            migrationBuilder.DropIndex(
                name: "IX_Bid_SignerCertificateId",
                table: "Bid");

            migrationBuilder.DropColumn(
                name: "SignerCertificateId",
                table: "Bid");
        }
    }
}
