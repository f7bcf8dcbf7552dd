using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AgentEngagements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AgentEngagements",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OwnerOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    AgentOrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Scope = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    EndReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AgentEngagements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AgentEngagements_Organisations_AgentOrganisationId",
                        column: x => x.AgentOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_AgentEngagements_Organisations_OwnerOrganisationId",
                        column: x => x.OwnerOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AgentEngagements_AgentOrganisationId",
                table: "AgentEngagements",
                column: "AgentOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_AgentEngagements_OwnerOrganisationId_AgentOrganisationId",
                table: "AgentEngagements",
                columns: new[] { "OwnerOrganisationId", "AgentOrganisationId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AgentEngagements");
        }
    }
}
