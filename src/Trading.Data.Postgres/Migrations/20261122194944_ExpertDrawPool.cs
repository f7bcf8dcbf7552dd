using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ExpertDrawPool : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EvaluationSession",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    DrawId = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    TenderId = table.Column<Guid>(type: "uuid", nullable: false),
                    LotId = table.Column<Guid>(type: "uuid", nullable: false),
                    EvaluationRoom = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    StartsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndsAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CommitteeSize = table.Column<int>(type: "integer", nullable: false),
                    OwnerRepresentativeSeats = table.Column<int>(type: "integer", nullable: false),
                    BeaconRound = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ResponseWindowHours = table.Column<int>(type: "integer", nullable: false),
                    Phase = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    RequestedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RecordJson = table.Column<string>(type: "text", nullable: false),
                    ScreeningJson = table.Column<string>(type: "text", nullable: false),
                    PseudonymMapJson = table.Column<string>(type: "text", nullable: false),
                    DrawnAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    VoidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    VoidedByUserId = table.Column<Guid>(type: "uuid", nullable: true),
                    VoidReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EvaluationSession", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EvaluationSession_Lots_LotId",
                        column: x => x.LotId,
                        principalTable: "Lots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_EvaluationSession_Tenders_TenderId",
                        column: x => x.TenderId,
                        principalTable: "Tenders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PoolExperts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    RegistrationNumber = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ProtectedIdNumber = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    IdNumberHint = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Phone = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Email = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    BirthDate = table.Column<DateOnly>(type: "date", nullable: false),
                    EmployerOrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    EmployerName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Title = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PracticeSince = table.Column<DateOnly>(type: "date", nullable: false),
                    Region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    SuspendedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    StatusReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Specialties = table.Column<List<string>>(type: "text[]", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PoolExperts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PoolExperts_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_PoolExperts_Organisations_EmployerOrganisationId",
                        column: x => x.EmployerOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SessionRequirement",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    Stratum = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Specialties = table.Column<List<string>>(type: "text[]", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    RegionMode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Regions = table.Column<List<string>>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SessionRequirement", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SessionRequirement_EvaluationSession_SessionId",
                        column: x => x.SessionId,
                        principalTable: "EvaluationSession",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CommitteeMember",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ExpertId = table.Column<Guid>(type: "uuid", nullable: false),
                    Pseudonym = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Stratum = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    InvitedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RespondBy = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RespondedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DeclineReason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ReplacedByMemberId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CommitteeMember", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CommitteeMember_EvaluationSession_SessionId",
                        column: x => x.SessionId,
                        principalTable: "EvaluationSession",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CommitteeMember_PoolExperts_ExpertId",
                        column: x => x.ExpertId,
                        principalTable: "PoolExperts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ExpertEmployment",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ExpertId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    EmployerName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    From = table.Column<DateOnly>(type: "date", nullable: false),
                    To = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertEmployment", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExpertEmployment_PoolExperts_ExpertId",
                        column: x => x.ExpertId,
                        principalTable: "PoolExperts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExpertRegistryLink",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ExpertId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    PartyName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertRegistryLink", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExpertRegistryLink_PoolExperts_ExpertId",
                        column: x => x.ExpertId,
                        principalTable: "PoolExperts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExpertRelationship",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ExpertId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: true),
                    PartyName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertRelationship", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExpertRelationship_PoolExperts_ExpertId",
                        column: x => x.ExpertId,
                        principalTable: "PoolExperts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ExpertUnavailability",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ExpertId = table.Column<Guid>(type: "uuid", nullable: false),
                    From = table.Column<DateOnly>(type: "date", nullable: false),
                    To = table.Column<DateOnly>(type: "date", nullable: false),
                    Note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExpertUnavailability", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExpertUnavailability_PoolExperts_ExpertId",
                        column: x => x.ExpertId,
                        principalTable: "PoolExperts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CommitteeMember_ExpertId_Status",
                table: "CommitteeMember",
                columns: new[] { "ExpertId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_CommitteeMember_SessionId",
                table: "CommitteeMember",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_CommitteeMember_Status_RespondBy",
                table: "CommitteeMember",
                columns: new[] { "Status", "RespondBy" });

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationSession_DrawId",
                table: "EvaluationSession",
                column: "DrawId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationSession_LotId",
                table: "EvaluationSession",
                column: "LotId");

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationSession_StartsAt",
                table: "EvaluationSession",
                column: "StartsAt");

            migrationBuilder.CreateIndex(
                name: "IX_EvaluationSession_TenderId_LotId",
                table: "EvaluationSession",
                columns: new[] { "TenderId", "LotId" });

            migrationBuilder.CreateIndex(
                name: "IX_ExpertEmployment_ExpertId",
                table: "ExpertEmployment",
                column: "ExpertId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertEmployment_OrganisationId",
                table: "ExpertEmployment",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertRegistryLink_ExpertId",
                table: "ExpertRegistryLink",
                column: "ExpertId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertRegistryLink_OrganisationId",
                table: "ExpertRegistryLink",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertRelationship_ExpertId",
                table: "ExpertRelationship",
                column: "ExpertId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertRelationship_OrganisationId",
                table: "ExpertRelationship",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_ExpertUnavailability_ExpertId",
                table: "ExpertUnavailability",
                column: "ExpertId");

            migrationBuilder.CreateIndex(
                name: "IX_PoolExperts_EmployerOrganisationId",
                table: "PoolExperts",
                column: "EmployerOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_PoolExperts_RegistrationNumber",
                table: "PoolExperts",
                column: "RegistrationNumber",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PoolExperts_UserId",
                table: "PoolExperts",
                column: "UserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SessionRequirement_SessionId",
                table: "SessionRequirement",
                column: "SessionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CommitteeMember");

            migrationBuilder.DropTable(
                name: "ExpertEmployment");

            migrationBuilder.DropTable(
                name: "ExpertRegistryLink");

            migrationBuilder.DropTable(
                name: "ExpertRelationship");

            migrationBuilder.DropTable(
                name: "ExpertUnavailability");

            migrationBuilder.DropTable(
                name: "SessionRequirement");

            migrationBuilder.DropTable(
                name: "PoolExperts");

            migrationBuilder.DropTable(
                name: "EvaluationSession");
        }
    }
}
