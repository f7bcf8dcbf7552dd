using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Trading.Data.Sqlite.Migrations
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
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    Index = table.Column<long>(type: "INTEGER", nullable: false),
                    Hash = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LogNodes", x => new { x.Level, x.Index });
                });

            // Stored tree nodes are as append-only as the entries: SQLite refuses to change or remove one.
            migrationBuilder.Sql(@"CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON ""LogNodes"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: UPDATE refused'); END;");
            migrationBuilder.Sql(@"CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON ""LogNodes"" BEGIN SELECT RAISE(ABORT, 'the public log is append-only: DELETE refused'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_nodes_no_update;");
            migrationBuilder.Sql(@"DROP TRIGGER IF EXISTS log_nodes_no_delete;");
            migrationBuilder.DropTable(
                name: "LogNodes");
        }
    }
}
