using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LogNodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "LogNodes",
                columns: table => new
                {
                    Level = table.Column<int>(type: "integer", nullable: false),
                    Index = table.Column<long>(type: "bigint", nullable: false),
                    Hash = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogNodes", x => new { x.Level, x.Index });
                });

            // Stored tree nodes are as append-only as the entries: a changed node would make proofs
            // disagree with the entries, so the database refuses it whatever the application does.
            migrationBuilder.Sql(@"
CREATE FUNCTION trading_log_nodes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the public log is append-only: % on ""LogNodes"" is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER log_nodes_no_update_delete BEFORE UPDATE OR DELETE ON ""LogNodes"" FOR EACH ROW EXECUTE FUNCTION trading_log_nodes_append_only();
CREATE TRIGGER log_nodes_no_truncate BEFORE TRUNCATE ON ""LogNodes"" FOR EACH STATEMENT EXECUTE FUNCTION trading_log_nodes_append_only();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"
DROP TRIGGER IF EXISTS log_nodes_no_truncate ON ""LogNodes"";
DROP TRIGGER IF EXISTS log_nodes_no_update_delete ON ""LogNodes"";
DROP FUNCTION IF EXISTS trading_log_nodes_append_only();
");
            migrationBuilder.DropTable(
                name: "LogNodes");
        }
    }
}
