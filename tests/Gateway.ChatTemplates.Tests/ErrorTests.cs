namespace Gateway.ChatTemplates.Tests;

public sealed class ErrorTests
{
    [Theory]
    [InlineData("{{ x | nofilter }}", "Unknown filter 'nofilter' (line 1, column 8)")]
    [InlineData("line1\n{{ x is nosuchtest }}", "Unknown test 'nosuchtest' (line 2, column 9)")]
    [InlineData("{% if x %}unclosed", "Unclosed tag: expected '{% elif' or '{% else' or '{% endif %}' before the end of the template (line 1, column 4)")]
    [InlineData("{% for m in messages %}{% endif %}", "Unknown tag 'endif' (line 1, column 27)")]
    [InlineData("{% foo %}", "Unknown tag 'foo' (line 1, column 4)")]
    [InlineData("{{ 1 + }}", "Unexpected end of expression (line 1, column 8)")]
    [InlineData("{{ 'abc }}", "Unterminated string literal (line 1, column 4)")]
    [InlineData("ab\n{{ x", "Unclosed expression tag '{{' (line 2, column 1)")]
    [InlineData("{# x", "Unclosed comment (line 1, column 1)")]
    [InlineData("{% break %}", "'break' outside of a loop (line 1, column 4)")]
    [InlineData("{{ x ? 1 }}", "Unexpected character '?' (line 1, column 6)")]
    [InlineData("{% for x of items %}{% endfor %}", "Expected 'in' in for loop (line 1, column 10)")]
    [InlineData("{{ f(a=1, 2) }}", "Positional argument follows keyword argument (line 1, column 11)")]
    [InlineData("{% raw %}never closed", "Unclosed 'raw' block: expected '{% endraw %}' (line 1, column 1)")]
    public void Parse_errors_name_the_position(string template, string expected)
    {
        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template));

        Assert.Equal(expected, error.Message);
        Assert.False(error.IsRaisedByTemplate);
    }

    [Theory]
    [InlineData("{{ 1 + 'a' }}", "Unsupported operand types for +: 'int' and 'str' (line 1, column 6)")]
    [InlineData("{{ nope() }}", "'nope' is undefined (line 1, column 8)")]
    [InlineData("{{ 'a'.nomethod() }}", "'str' object has no attribute 'nomethod' (line 1, column 16)")]
    [InlineData("{{ 1 / 0 }}", "division by zero (line 1, column 6)")]
    [InlineData("{{ 'a' < 1 }}", "Cannot compare str with int (line 1, column 8)")]
    [InlineData("\n\n{% for a, b in items %}{% endfor %}", "Cannot unpack int into 2 loop variables (line 3, column 4)")]
    [InlineData("{% set n = 1 %}{% set n.x = 2 %}", "Cannot assign attribute on non-namespace object 'n' (line 1, column 19)")]
    [InlineData("{{ range(1000001) | length }}", "range() is limited to 100000 items (line 1, column 9)")]
    [InlineData("{{ items['a'] }}", "indices must be integers, not str (line 1, column 9)")]
    [InlineData("{{ 4 is divisibleby 0 }}", "integer modulo by zero (line 1, column 9)")]
    [InlineData("{{ 'ab' * 100000000 }}", "Repetition result would exceed 16777216 items (line 1, column 9)")]
    [InlineData("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}", "macro 'm' nested more than 64 calls deep (line 1, column 21)")]
    public void Render_errors_name_the_position(string template, string expected)
    {
        var parsed = ChatTemplate.Parse(template);

        var error = Assert.Throws<ChatTemplateException>(() => parsed.Render(Jinja.Messages, true, "", "", Jinja.Variables));

        Assert.Equal(expected, error.Message);
    }

    [Fact]
    public void Pathologically_deep_nesting_is_a_parse_error_not_a_stack_overflow()
    {
        string template = "{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}";

        var error = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template));

        Assert.StartsWith("Template nests deeper than 128 levels", error.Message);
    }
}
