using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class HolderCustodyRelay : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "HolderOfficer",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TransportPoint = table.Column<byte[]>(type: "BLOB", maxLength: 65, nullable: false),
                    SealedTransportKeyJson = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    EnrolledAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AddedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    AddedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RemovedByUserId = table.Column<Guid>(type: "TEXT", nullable: true),
                    RemovedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HolderOfficer", x => x.Id);
                    table.ForeignKey(
                        name: "FK_HolderOfficer_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CeremonyDealing",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KeyCeremonyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealerIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    DealtByOfficerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CommitmentJson = table.Column<string>(type: "TEXT", nullable: false),
                    SharesJson = table.Column<string>(type: "TEXT", nullable: false),
                    CommitmentHashHex = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PostedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CeremonyDealing", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CeremonyDealing_HolderOfficer_DealtByOfficerId",
                        column: x => x.DealtByOfficerId,
                        principalTable: "HolderOfficer",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CeremonyDealing_KeyCeremony_KeyCeremonyId",
                        column: x => x.KeyCeremonyId,
                        principalTable: "KeyCeremony",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CeremonyAcknowledgement",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    KeyCeremonyId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealingId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DealerIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    RecipientIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    OfficerId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    PostedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CeremonyAcknowledgement", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CeremonyAcknowledgement_CeremonyDealing_DealingId",
                        column: x => x.DealingId,
                        principalTable: "CeremonyDealing",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CeremonyAcknowledgement_HolderOfficer_OfficerId",
                        column: x => x.OfficerId,
                        principalTable: "HolderOfficer",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CeremonyAcknowledgement_DealingId",
                table: "CeremonyAcknowledgement",
                column: "DealingId");

            migrationBuilder.CreateIndex(
                name: "IX_CeremonyAcknowledgement_KeyCeremonyId_DealerIndex_RecipientIndex",
                table: "CeremonyAcknowledgement",
                columns: new[] { "KeyCeremonyId", "DealerIndex", "RecipientIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CeremonyAcknowledgement_OfficerId",
                table: "CeremonyAcknowledgement",
                column: "OfficerId");

            migrationBuilder.CreateIndex(
                name: "IX_CeremonyDealing_DealtByOfficerId",
                table: "CeremonyDealing",
                column: "DealtByOfficerId");

            migrationBuilder.CreateIndex(
                name: "IX_CeremonyDealing_KeyCeremonyId_DealerIndex",
                table: "CeremonyDealing",
                columns: new[] { "KeyCeremonyId", "DealerIndex" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HolderOfficer_OrganisationId_UserId",
                table: "HolderOfficer",
                columns: new[] { "OrganisationId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_HolderOfficer_TransportPoint",
                table: "HolderOfficer",
                column: "TransportPoint",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CeremonyAcknowledgement");

            migrationBuilder.DropTable(
                name: "CeremonyDealing");

            migrationBuilder.DropTable(
                name: "HolderOfficer");
        }
    }
}
