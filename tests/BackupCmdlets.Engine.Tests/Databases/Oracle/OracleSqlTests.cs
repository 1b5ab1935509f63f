using BackupCmdlets.Engine.Databases.Oracle;

namespace BackupCmdlets.Engine.Tests.Databases.Oracle;

/// <summary>Nothing from the user reaches SQL unquoted.</summary>
public sealed class OracleSqlTests
{
    [Theory]
    [InlineData("users", "USERS")]
    [InlineData("App_Data$1#", "APP_DATA$1#")]
    public void User_tablespace_names_follow_the_unquoted_identifier_rules_and_fold_to_upper_case(string name, string stored)
    {
        Assert.Equal(stored, OracleSql.NormalizeUserIdentifier(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("users; DROP TABLESPACE system")]
    [InlineData("\"USERS\"")]
    [InlineData("_users")]
    [InlineData("users--")]
    public void Anything_else_is_refused(string name)
    {
        Assert.Equal(Errors.OracleInvalidIdentifier.Id, Assert.Throws<BackupException>(() => OracleSql.NormalizeUserIdentifier(name)).ErrorId);
    }

    [Fact]
    public void Identifiers_are_double_quoted_and_may_not_contain_a_quote()
    {
        Assert.Equal("\"Mixed Case\"", OracleSql.QuoteIdentifier("Mixed Case"));
        Assert.Equal(Errors.OracleInvalidIdentifier.Id, Assert.Throws<BackupException>(() => OracleSql.QuoteIdentifier("A\" END BACKUP; --")).ErrorId);
    }

    [Fact]
    public void File_names_are_single_quoted_with_quotes_doubled_and_control_characters_refused()
    {
        Assert.Equal("'/backup/it''s here/control.bkp'", OracleSql.QuoteLiteral("/backup/it's here/control.bkp"));
        Assert.Equal(Errors.OracleInvalidLiteral.Id, Assert.Throws<BackupException>(() => OracleSql.QuoteLiteral("/tmp/a\nb")).ErrorId);
    }
}
