namespace Gateway.ChatTemplates.Tests;

public sealed class FilterTests
{
    [Theory]
    [InlineData("{{ '  x  ' | trim }}|{{ 'xxaxx' | trim('x') }}", "x|a")]
    [InlineData("{{ 'ab' | upper }}|{{ 'AB' | lower }}|{{ 'hELLO wORLD' | capitalize }}|{{ 'hello world' | title }}", "AB|ab|Hello world|Hello World")]
    [InlineData("{{ items | length }}|{{ 'abc' | count }}|{{ d | length }}|{{ nope | length }}", "3|3|2|0")]
    [InlineData("{{ nope | default('d') }}|{{ nope | d('e') }}|{{ '' | default('f') }}|{{ '' | default('g', true) }}|{{ none | default('h') }}", "d|e||g|None")]
    [InlineData("{{ items | join(', ') }}|{{ items | join }}|{{ [{'n': 'a'}, {'n': 'b'}] | join('-', attribute='n') }}", "1, 2, 3|123|a-b")]
    [InlineData("{{ {'a': [1, 2.5, true, none], 'b': 'x\"y\\n', 'c': '\u00e9'} | tojson }}", "{\"a\": [1, 2.5, true, null], \"b\": \"x\\\"y\\n\", \"c\": \"\u00e9\"}")]
    [InlineData("{{ {'a': [1, 2], 'e': {}} | tojson(indent=2) }}", "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"e\": {}\n}")]
    [InlineData("{{ 'tab\\there' | tojson }}|{{ none | tojson }}", "\"tab\\there\"|null")]
    [InlineData("{{ 3 | string }}{{ '42' | int + 1 }}|{{ 'x' | int }}|{{ 3.9 | int }}|{{ '2.5' | float }}|{{ 'x' | int(7) }}", "343|0|3|2.5|7")]
    [InlineData("{{ items | first }}|{{ items | last }}|{{ 'abc' | first }}|[{{ [] | first }}]", "1|3|a|[]")]
    [InlineData("{{ 'aaa' | replace('a', 'b') }}|{{ 'aaa' | replace('a', 'b', 2) }}", "bbb|bba")]
    [InlineData("{{ '<b>' | safe }}|{{ '<b>' | e }}", "<b>|&lt;b&gt;")]
    [InlineData("{{ 'ab' | list }}|{{ d | list }}", "['a', 'b']|['a', 'b']")]
    [InlineData("{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | join(',') }}", "Hello,Who are you")]
    [InlineData("{{ messages | rejectattr('role', 'equalto', 'user') | list | length }}", "2")]
    [InlineData("{{ [{'a': 1}, {'b': 2}, {'a': 0}] | selectattr('a', 'defined') | list | length }}|{{ [{'a': 1}, {'a': 0}] | selectattr('a') | list | length }}", "2|1")]
    [InlineData("{{ [{'f': {'n': 'x'}}] | map(attribute='f.n') | first }}|{{ [{}] | map(attribute='z', default='dv') | first }}", "x|dv")]
    [InlineData("{{ ['a', 'b'] | map('upper') | join }}|{{ [1, 0, 2] | select | list }}|{{ [1, 2, 3, 4] | reject('odd') | list }}", "AB|[1, 2]|[2, 4]")]
    [InlineData("{{ 'a\\nb\\n\\nc' | indent(2) }}", "a\n  b\n\n  c")]
    [InlineData("{{ 'a\\nb\\n\\nc' | indent(2, true) }}|{{ 'a\\n\\nb' | indent(width=2, blank=true) }}", "  a\n  b\n\n  c|a\n  \n  b")]
    [InlineData("{{ 'a\\nb' | indent('> ') }}", "a\n> b")]
    [InlineData("{{ [3, 1, 2] | sort | list }}|{{ [3, 1, 2] | sort(reverse=true) | list }}|{{ [1, 1, 2] | unique | list }}|{{ items | reverse | list }}", "[1, 2, 3]|[3, 2, 1]|[1, 2]|[3, 2, 1]")]
    [InlineData("{{ [{'n': 2}, {'n': 1}] | sort(attribute='n') | map(attribute='n') | join }}|{{ [3, 1, 2] | min }}{{ [3, 1, 2] | max }}", "12|13")]
    [InlineData("{{ 2.5 | round }}|{{ 3.5 | round }}|{{ 3.14159 | round(2) }}|{{ 2.1 | round(method='ceil') }}|{{ 2.9 | round(method='floor') }}", "2.0|4.0|3.14|3.0|2.0")]
    [InlineData("{{ messages[0].content | trim | upper }}", "YOU ARE A HELPFUL ASSISTANT")]
    [InlineData("{{ 'x' + messages[1].content | upper + 'y' }}", "xHELLOy")]
    public void Filters_behave_like_Jinja2(string template, string expected)
    {
        Assert.Equal(expected, Jinja.Render(template));
    }
}
