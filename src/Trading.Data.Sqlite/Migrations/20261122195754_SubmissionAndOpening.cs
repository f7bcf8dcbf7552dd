using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SubmissionAndOpening : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FailedReason",
                table: "Tenders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Bid",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LotId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubmittedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    StorageKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    EnvelopeSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Length = table.Column<long>(type: "INTEGER", nullable: false),
                    HeaderHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    EphemeralPoint = table.Column<byte[]>(type: "BLOB", nullable: false),
                    SignedManifestJson = table.Column<string>(type: "TEXT", nullable: false),
                    SubmittedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    WithdrawnAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    IpAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    UserAgent = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    LogIndex = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceiptJson = table.Column<string>(type: "TEXT", nullable: true),
                    OpeningStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    OpeningProblem = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    PriceFen = table.Column<long>(type: "INTEGER", nullable: true),
                    DurationDays = table.Column<int>(type: "INTEGER", nullable: true),
                    ProjectManager = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ProjectManagerIdHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    BondAccount = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    KeyStaff = table.Column<string>(type: "TEXT", nullable: true),
                    AttachmentsJson = table.Column<string>(type: "TEXT", nullable: true),
                    ConfirmedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Bid", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Bid_Lots_LotId",
                        column: x => x.LotId,
                        principalTable: "Lots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Bid_Organisations_FirmId",
                        column: x => x.FirmId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Bid_Tenders_TenderId",
                        column: x => x.TenderId,
                        principalTable: "Tenders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "BidUpload",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    LotId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ExpectedLength = table.Column<long>(type: "INTEGER", nullable: false),
                    Received = table.Column<long>(type: "INTEGER", nullable: false),
                    TempPath = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    BidId = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BidUpload", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "KeyCeremony",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CeremonyId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    Threshold = table.Column<int>(type: "INTEGER", nullable: false),
                    JointKeyJson = table.Column<string>(type: "TEXT", nullable: true),
                    KeyIdHex = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    CommitmentsJson = table.Column<string>(type: "TEXT", nullable: true),
                    EncryptedSharesJson = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CompletedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    OpenedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    TranscriptStorageKey = table.Column<string>(type: "TEXT", nullable: true),
                    TranscriptSha256 = table.Column<string>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KeyCeremony", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KeyCeremony_Tenders_TenderId",
                        column: x => x.TenderId,
                        principalTable: "Tenders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "OpeningObjection",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TenderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FirmId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RaisedByUserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    RaisedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Answer = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AnsweredByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AnsweredAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpeningObjection", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "KeyHolder",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KeyCeremonyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    HolderIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    Role = table.Column<int>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OfficerUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    TransportPoint = table.Column<byte[]>(type: "BLOB", nullable: true),
                    SealedTransportKeyJson = table.Column<string>(type: "TEXT", nullable: true),
                    JoinedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastHealthCheckAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FailedPassphraseAttempts = table.Column<int>(type: "INTEGER", nullable: false),
                    PartialsJson = table.Column<string>(type: "TEXT", nullable: true),
                    PartialsAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    PartialsVia = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_KeyHolder", x => x.Id);
                    table.ForeignKey(
                        name: "FK_KeyHolder_KeyCeremony_KeyCeremonyId",
                        column: x => x.KeyCeremonyId,
                        principalTable: "KeyCeremony",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Bid_FirmId",
                table: "Bid",
                column: "FirmId");

            migrationBuilder.CreateIndex(
                name: "IX_Bid_LotId",
                table: "Bid",
                column: "LotId");

            migrationBuilder.CreateIndex(
                name: "IX_Bid_TenderId_FirmId_Status",
                table: "Bid",
                columns: new[] { "TenderId", "FirmId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_BidUpload_TenderId_FirmId",
                table: "BidUpload",
                columns: new[] { "TenderId", "FirmId" });

            migrationBuilder.CreateIndex(
                name: "IX_KeyCeremony_TenderId",
                table: "KeyCeremony",
                column: "TenderId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_KeyHolder_KeyCeremonyId_HolderIndex",
                table: "KeyHolder",
                columns: new[] { "KeyCeremonyId", "HolderIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpeningObjection_TenderId",
                table: "OpeningObjection",
                column: "TenderId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Bid");

            migrationBuilder.DropTable(
                name: "BidUpload");

            migrationBuilder.DropTable(
                name: "KeyHolder");

            migrationBuilder.DropTable(
                name: "OpeningObjection");

            migrationBuilder.DropTable(
                name: "KeyCeremony");

            migrationBuilder.DropColumn(
                name: "FailedReason",
                table: "Tenders");
        }
    }
}
