using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LogAppendOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The public log is append-only: SQLite refuses to change or remove an entry.
            migrationBuilder.Sql(@"CREATE TRIGGER log_entries_no_update BEFORE UPDATE ON ""LogEntries"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: UPDATE refused'); END;");
            migrationBuilder.Sql(@"CREATE TRIGGER log_entries_no_delete BEFORE DELETE ON ""LogEntries"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: DELETE refused'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_entries_no_update;");
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_entries_no_delete;");
        }
    }
}
