namespace Gateway.ChatTemplates.Tests;

public sealed class StatementTests
{
    [Theory]
    [InlineData("{% if x < 3 %}a{% elif x < 6 %}b{% else %}c{% endif %}", "b")]
    [InlineData("{% if x > 9 %}a{% elif x > 8 %}b{% endif %}", "")]
    [InlineData("{% for i in items %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }} {% endfor %}", "10TrueFalse3 21FalseFalse3 32FalseTrue3 ")]
    [InlineData("{% for i in items %}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.previtem is defined }}{{ loop.nextitem }};{% endfor %}", "32False2;21True3;10True;")]
    [InlineData("{% for i in [] %}x{% else %}empty{% endfor %}", "empty")]
    [InlineData("{% for i in items if i != 2 %}{{ i }}{{ loop.length }}{% endfor %}", "1232")]
    [InlineData("{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }},{% endfor %}", "3,7,")]
    [InlineData("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", "a=1;b=2;")]
    [InlineData("{% for (k, v) in d | items %}{{ k }}{{ v }}{% endfor %}", "a1b2")]
    [InlineData("{% for k in d %}{{ k }}{% endfor %}|{% for c in 'abc' %}{{ c }}-{% endfor %}", "ab|a-b-c-")]
    [InlineData("{% for i in items %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}", "1")]
    [InlineData("{% for a in [1, 2] %}{% for b in [1, 2] %}{{ loop.index }}{% endfor %}{{ loop.index }}{% endfor %}", "121122")]
    [InlineData("{% for m in messages %}{% if loop.first and m.role == 'system' %}{% continue %}{% endif %}{{ m.role[0] }}{% endfor %}", "uau")]
    [InlineData("{% set y = 1 %}{% for i in items %}{% set y = i %}{% endfor %}{{ y }}", "1")]
    [InlineData("{% for i in [1, 2] %}{% if i == 1 %}{% set y = 'a' %}{% endif %}[{{ y }}]{% endfor %}", "[a][]")]
    [InlineData("{% raw %}{{ not rendered }}{% endraw %}|  {%- raw -%}  x  {%- endraw %}|", "{{ not rendered }}|x|")]
    [InlineData("{{ (messages | last).content }}|{% for m in [1] %}{{ loop | attr('index') }}{% endfor %}|{{ messages | first | attr('role') }}|", "Who are you|1||")]
    [InlineData("{% set y = 1 %}{% if true %}{% set y = 2 %}{% endif %}{{ y }}", "2")]
    [InlineData("{% set ns = namespace(total=0, seen=false) %}{% for i in items %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}{{ ns.seen }}", "6False")]
    [InlineData("{% set a, b = 1, 2 %}{{ a }}{{ b }}", "12")]
    [InlineData("{% set block %}x{{ 1 + 1 }}y{% endset %}[{{ block }}]", "[x2y]")]
    [InlineData("{% macro greet(name, punct='!') %}Hello {{ name }}{{ punct }}{% endmacro %}{{ greet('Bob') }} {{ greet('Ann', punct='?') }}", "Hello Bob! Hello Ann?")]
    [InlineData("{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}bold {{ x }}{% endcall %}", "<b>bold 5</b>")]
    [InlineData("{% filter upper %}abc{{ x }}{% endfilter %}", "ABC5")]
    [InlineData("a{# a comment {{ x }} #}b", "ab")]
    [InlineData("{% generation %}kept{% endgeneration %}", "kept")]
    [InlineData("{{ range(3) | list }}|{{ range(1, 7, 2) | list }}|{{ range(3, 0, -1) | list }}", "[0, 1, 2]|[1, 3, 5]|[3, 2, 1]")]
    [InlineData("{% for i in range(messages | length) %}{{ messages[i].role[0] }}{% endfor %}", "suau")]
    public void Executes_like_Python_Jinja2(string template, string expected)
    {
        Assert.Equal(expected, Jinja.Render(template));
    }

    [Fact]
    public void Rendering_twice_gives_the_same_output_because_state_is_per_render()
    {
        var template = Gateway.ChatTemplates.ChatTemplate.Parse(
            "{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}");

        string first = template.Render(Jinja.Messages, true, "", "");
        string second = template.Render(Jinja.Messages, true, "", "");

        Assert.Equal("4", first);
        Assert.Equal(first, second);
    }
}
