using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class MemberSignatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "MemberCertificate",
                table: "ReportSignatures",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MemberKeySha256",
                table: "ReportSignatures",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "MemberSignature",
                table: "ReportSignatures",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "MemberStatement",
                table: "ReportSignatures",
                type: "BLOB",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReportSignatures_MemberKeySha256",
                table: "ReportSignatures",
                column: "MemberKeySha256",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ReportSignatures_MemberKeySha256",
                table: "ReportSignatures");

            migrationBuilder.DropColumn(
                name: "MemberCertificate",
                table: "ReportSignatures");

            migrationBuilder.DropColumn(
                name: "MemberKeySha256",
                table: "ReportSignatures");

            migrationBuilder.DropColumn(
                name: "MemberSignature",
                table: "ReportSignatures");

            migrationBuilder.DropColumn(
                name: "MemberStatement",
                table: "ReportSignatures");
        }
    }
}
