using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LogReceiptsCheckpoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LogCheckpoints",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Root = table.Column<byte[]>(type: "bytea", nullable: false),
                    Time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "text", nullable: false),
                    TimeStampToken = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogCheckpoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LogReceipts",
                columns: table => new
                {
                    LogIndex = table.Column<long>(type: "bigint", nullable: false),
                    TenderId = table.Column<Guid>(type: "uuid", nullable: true),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Json = table.Column<string>(type: "text", nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogReceipts", x => x.LogIndex);
                });

            migrationBuilder.CreateTable(
                name: "LogCosignatures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    CheckpointId = table.Column<Guid>(type: "uuid", nullable: false),
                    Size = table.Column<long>(type: "bigint", nullable: false),
                    Root = table.Column<byte[]>(type: "bytea", nullable: false),
                    CosignedNote = table.Column<string>(type: "text", nullable: false),
                    WitnessName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    CosignedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Uploaded = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogCosignatures", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LogCosignatures_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_LogCosignatures_LogCheckpoints_CheckpointId",
                        column: x => x.CheckpointId,
                        principalTable: "LogCheckpoints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LogCheckpoints_Size",
                table: "LogCheckpoints",
                column: "Size");

            migrationBuilder.CreateIndex(
                name: "IX_LogCheckpoints_Time",
                table: "LogCheckpoints",
                column: "Time");

            migrationBuilder.CreateIndex(
                name: "IX_LogCosignatures_CheckpointId",
                table: "LogCosignatures",
                column: "CheckpointId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_LogCosignatures_Size",
                table: "LogCosignatures",
                column: "Size");

            migrationBuilder.CreateIndex(
                name: "IX_LogCosignatures_UserId",
                table: "LogCosignatures",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_LogReceipts_OrganisationId_TenderId",
                table: "LogReceipts",
                columns: new[] { "OrganisationId", "TenderId" });

            // Receipts, stored checkpoints and cosignatures are evidence like the log itself: once written, the
            // database refuses to change or remove them, whatever the application (or its role) does.
            migrationBuilder.Sql(@"
CREATE FUNCTION trading_log_evidence_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the public log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER log_receipts_no_update_delete BEFORE UPDATE OR DELETE ON ""LogReceipts"" FOR EACH ROW EXECUTE FUNCTION trading_log_evidence_append_only();
CREATE TRIGGER log_receipts_no_truncate BEFORE TRUNCATE ON ""LogReceipts"" FOR EACH STATEMENT EXECUTE FUNCTION trading_log_evidence_append_only();
CREATE TRIGGER log_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON ""LogCheckpoints"" FOR EACH ROW EXECUTE FUNCTION trading_log_evidence_append_only();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON ""LogCheckpoints"" FOR EACH STATEMENT EXECUTE FUNCTION trading_log_evidence_append_only();
CREATE TRIGGER log_cosignatures_no_update_delete BEFORE UPDATE OR DELETE ON ""LogCosignatures"" FOR EACH ROW EXECUTE FUNCTION trading_log_evidence_append_only();
CREATE TRIGGER log_cosignatures_no_truncate BEFORE TRUNCATE ON ""LogCosignatures"" FOR EACH STATEMENT EXECUTE FUNCTION trading_log_evidence_append_only();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"
DROP TRIGGER IF EXISTS log_receipts_no_update_delete ON ""LogReceipts"";
DROP TRIGGER IF EXISTS log_receipts_no_truncate ON ""LogReceipts"";
DROP TRIGGER IF EXISTS log_checkpoints_no_update_delete ON ""LogCheckpoints"";
DROP TRIGGER IF EXISTS log_checkpoints_no_truncate ON ""LogCheckpoints"";
DROP TRIGGER IF EXISTS log_cosignatures_no_update_delete ON ""LogCosignatures"";
DROP TRIGGER IF EXISTS log_cosignatures_no_truncate ON ""LogCosignatures"";
DROP FUNCTION IF EXISTS trading_log_evidence_append_only();
");
            migrationBuilder.DropTable(
                name: "LogCosignatures");

            migrationBuilder.DropTable(
                name: "LogReceipts");

            migrationBuilder.DropTable(
                name: "LogCheckpoints");
        }
    }
}
