using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LogAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The public log is append-only: the database itself refuses to change or remove an entry,
            // whatever the application does. TRUNCATE is covered by a statement trigger.
            migrationBuilder.Sql(@"
CREATE FUNCTION trading_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the public log is append-only: % on ""LogEntries"" is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER log_entries_no_update_delete BEFORE UPDATE OR DELETE ON ""LogEntries"" FOR EACH ROW EXECUTE FUNCTION trading_log_append_only();
CREATE TRIGGER log_entries_no_truncate BEFORE TRUNCATE ON ""LogEntries"" FOR EACH STATEMENT EXECUTE FUNCTION trading_log_append_only();
");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"
DROP TRIGGER IF EXISTS log_entries_no_truncate ON ""LogEntries"";
DROP TRIGGER IF EXISTS log_entries_no_update_delete ON ""LogEntries"";
DROP FUNCTION IF EXISTS trading_log_append_only();
");
        }
    }
}
