namespace Gateway.ChatTemplates.Tests;

/// <summary>Hugging Face renders with trim_blocks and lstrip_blocks on and keep_trailing_newline off.</summary>
public sealed class WhitespaceControlTests
{
    [Theory]
    [InlineData("{% if true %}\nX\n{% endif %}\nY", "X\nY")]
    [InlineData("  {% if true %}X{% endif %}", "X")]
    [InlineData("a\n    {% if true %}X{% endif %}", "a\nX")]
    [InlineData("a {% if true %}X{% endif %}", "a X")]
    [InlineData("  {{ 'v' }}\nw", "  v\nw")]
    [InlineData("a  {{- 'b' -}}  \n c", "abc")]
    [InlineData("a\n  {%- if true -%}\n  b\n  {%- endif %}", "ab")]
    [InlineData("  {%+ if true %}X{% endif %}", "  X")]
    [InlineData("{% if true +%}\nX{% endif %}", "\nX")]
    [InlineData("{# note #}\nX", "X")]
    [InlineData("A {#- note -#} B", "AB")]
    [InlineData("X\n", "X")]
    [InlineData("X\n\n", "X\n")]
    [InlineData("A\r\n{% if true %}\r\nB{% endif %}", "A\nB")]
    [InlineData("{% for i in items %}\n  {{ i }}\n{% endfor %}\n", "  1\n  2\n  3\n")]
    [InlineData("{% for i in items -%}\n  {{ i }}\n{%- endfor %}", "123")]
    public void Applies_whitespace_control_like_Hugging_Face(string template, string expected)
    {
        Assert.Equal(expected, Jinja.Render(template));
    }
}
