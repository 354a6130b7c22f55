namespace Gateway.ChatTemplates.Tests;

public sealed class ExpressionTests
{
    [Theory]
    [InlineData("{{ 1 + 2 * 3 }}", "7")]
    [InlineData("{{ (1 + 2) * 3 }}", "9")]
    [InlineData("{{ 7 // 2 }}|{{ -7 // 2 }}|{{ 7 % 3 }}|{{ -7 % 3 }}", "3|-4|1|2")]
    [InlineData("{{ 7 / 2 }}|{{ 4 / 2 }}", "3.5|2.0")]
    [InlineData("{{ 2 ** 10 }}", "1024")]
    [InlineData("{{ 'a' ~ 1 ~ none }}", "a1None")]
    [InlineData("{{ 'ab' * 3 }}", "ababab")]
    [InlineData("{{ 'a' + 'b' }}|{{ [1] + [2] }}", "ab|[1, 2]")]
    [InlineData("{{ 1 < 2 and 2 <= 2 }}|{{ 1 == 1.0 }}|{{ 'a' != 'b' }}|{{ 3 >= 4 }}", "True|True|True|False")]
    [InlineData("{{ 'b' in 'abc' }}|{{ 2 in [1, 2] }}|{{ 'a' in {'a': 1} }}|{{ 3 not in [1, 2] }}", "True|True|True|True")]
    [InlineData("{{ not true or false }}|{{ not (true or false) }}", "False|False")]
    [InlineData("{{ 0 or 'x' }}|{{ 1 and 'y' }}|{{ '' and 'z' }}", "x|y|")]
    [InlineData("{{ 'yes' if x > 3 else 'no' }}|{{ 'yes' if x > 10 }}|{{ 'a' if false else 'b' if false else 'c' }}", "yes||c")]
    [InlineData("{{ -x }}|{{ -3 | abs }}", "-5|3")]
    [InlineData("{{ [1, 'a', none, true, 1.5] }}", "[1, 'a', None, True, 1.5]")]
    [InlineData("{{ {'k': 'v', 'n': [1]} }}", "{'k': 'v', 'n': [1]}")]
    [InlineData("{{ (1, 2) | length }}|{{ () | length }}|{% for a in (1, 2) %}{{ a }}{% endfor %}", "2|0|12")]
    [InlineData("{{ \"it's\" }}|{{ 'it\\'s' }}|{{ 'a\\tb\\\\' }}|{{ 'x' 'y' }}", "it's|it's|a\tb\\|xy")]
    [InlineData("{{ 'line\\nbreak' }}", "line\nbreak")]
    [InlineData("{{ true }}|{{ True }}|{{ false }}|{{ none }}|{{ None }}", "True|True|False|None|None")]
    [InlineData("{{ 1_000 + 0.5 }}|{{ 1e3 }}", "1000.5|1000.0")]
    [InlineData("{{ d.a }}|{{ d['b'] }}|{{ d.missing }}|{{ d.missing is defined }}", "1|2||False")]
    [InlineData("{{ items[0] }}|{{ items[-1] }}|{{ items[5] is defined }}|{{ items.1 }}", "1|3|False|2")]
    [InlineData("{{ items[1:] }}|{{ items[:-1] }}|{{ items[::-1] }}|{{ items[::2] }}", "[2, 3]|[1, 2]|[3, 2, 1]|[1, 3]")]
    [InlineData("{{ 'hello'[::-1] }}|{{ 'hello'[1:3] }}|{{ 'hello'[-3:] }}|{{ 'hello'[0] }}", "olleh|el|llo|h")]
    [InlineData("{{ messages[1:] | length }}|{{ messages[-1]['content'] }}|{{ messages[0].role }}", "3|Who are you|system")]
    [InlineData("[{{ nope }}]|{% if nope %}t{% else %}f{% endif %}|{{ nope is defined }}", "[]|f|False")]
    [InlineData("{{ bos_token }}{{ eos_token }}{{ add_generation_prompt }}", "<s></s>True")]
    public void Evaluates_like_Python_Jinja2(string template, string expected)
    {
        Assert.Equal(expected, Jinja.Render(template));
    }

    [Fact]
    public void Members_of_undefined_values_are_undefined_rather_than_errors()
    {
        // Deliberately more lenient than Jinja2 (which raises UndefinedError here), like llama.cpp's renderer:
        // a prompt is better rendered with an empty field than the request failing.
        Assert.Equal("[]|[]|False", Jinja.Render("[{{ nope.attr }}]|[{{ nope['k'].deeper }}]|{{ nope.attr is defined }}"));
    }
}
