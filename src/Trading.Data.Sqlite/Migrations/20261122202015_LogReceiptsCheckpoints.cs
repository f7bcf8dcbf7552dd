using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
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
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Root = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Time = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Note = table.Column<string>(type: "TEXT", nullable: false),
                    TimeStampToken = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogCheckpoints", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LogReceipts",
                columns: table => new
                {
                    LogIndex = table.Column<long>(type: "INTEGER", nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    IssuedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogReceipts", x => x.LogIndex);
                });

            migrationBuilder.CreateTable(
                name: "LogCosignatures",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    CheckpointId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Root = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CosignedNote = table.Column<string>(type: "TEXT", nullable: false),
                    WitnessName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CosignedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Uploaded = table.Column<bool>(type: "INTEGER", nullable: false)
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

            // Receipts, stored checkpoints and cosignatures are evidence like the log itself: append-only.
            migrationBuilder.Sql(@"CREATE TRIGGER log_receipts_no_update BEFORE UPDATE ON ""LogReceipts"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: UPDATE on LogReceipts refused'); END;");
            migrationBuilder.Sql(@"CREATE TRIGGER log_receipts_no_delete BEFORE DELETE ON ""LogReceipts"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: DELETE on LogReceipts refused'); END;");
            migrationBuilder.Sql(@"CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON ""LogCheckpoints"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: UPDATE on LogCheckpoints refused'); END;");
            migrationBuilder.Sql(@"CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON ""LogCheckpoints"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: DELETE on LogCheckpoints refused'); END;");
            migrationBuilder.Sql(@"CREATE TRIGGER log_cosignatures_no_update BEFORE UPDATE ON ""LogCosignatures"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: UPDATE on LogCosignatures refused'); END;");
            migrationBuilder.Sql(@"CREATE TRIGGER log_cosignatures_no_delete BEFORE DELETE ON ""LogCosignatures"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: DELETE on LogCosignatures refused'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_receipts_no_update;");
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_receipts_no_delete;");
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_checkpoints_no_update;");
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_checkpoints_no_delete;");
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_cosignatures_no_update;");
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_cosignatures_no_delete;");
            migrationBuilder.DropTable(
                name: "LogCosignatures");

            migrationBuilder.DropTable(
                name: "LogReceipts");

            migrationBuilder.DropTable(
                name: "LogCheckpoints");
        }
    }
}
