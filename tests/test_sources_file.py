"""The sources file: validation, and import through the CLI (idempotent, all-or-nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.sources.file import SourcesFileError, parse_sources
from tests.syndication_web import cli_env, run_cli

GOOD = """
sources:
  - name: Le blog d'USEO
    home: http://blog.useo.net/
    role: partner                 # partner (publishes originals) | republisher
    language: fr                  # optional
    aliases: [USEO,  "Blog  USEO", "le blog d'useo"]  # optional
    feeds: [http://blog.useo.net/feed/]          # optional
    sitemaps: [http://blog.useo.net/sitemap.xml] # optional
  - name: Planet
    home: https://planet.example
    role: republisher
"""


def test_parse_good_file() -> None:
    specs = parse_sources(GOOD)
    assert [s.host for s in specs] == ["blog.useo.net", "planet.example"]
    assert specs[0].feeds == ("http://blog.useo.net/feed/",)
    assert specs[0].sitemaps == ("http://blog.useo.net/sitemap.xml",)
    assert specs[0].language == "fr"
    assert specs[1].home == "https://planet.example/"
    assert specs[1].feeds == () and specs[1].language is None
    # Aliases: spaces tidied, the registered name itself left out.
    assert specs[0].aliases == ("USEO", "Blog USEO")
    assert specs[1].aliases == ()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("sources:\n  - name: A\n    home: http://a.example/\n    role: owner\n", "sources[0] (A): field 'role'"),
        ("sources:\n  - name: A\n    role: partner\n", "sources[0] (A): field 'home' is required"),
        ("sources:\n  - home: http://a.example/\n    role: partner\n", "sources[0]: field 'name'"),
        ("sources:\n  - name: A\n    home: ftp://a.example/\n    role: partner\n",
         "field 'home' is not an http(s) URL"),
        ("sources:\n  - name: A\n    home: http://a.example/\n    role: partner\n    feeds: [12]\n",
         "field 'feeds[0]' must be a URL string"),
        ("sources:\n  - name: A\n    home: http://a.example/\n    role: partner\n    feeds: nope\n",
         "field 'feeds[0]' is not an http(s) URL"),
        ("sources:\n  - name: A\n    home: http://a.example/\n    role: partner\n    language: french!\n",
         "field 'language'"),
        ("sources:\n  - name: A\n    home: http://a.example/\n    role: partner\n    colour: red\n",
         "unknown field(s) colour"),
        ("sources:\n  - name: A\n    home: http://a.example/\n    role: partner\n    aliases: [B, '']\n",
         "sources[0] (A): field 'aliases[1]' must be a non-empty name"),
        ("sources:\n  - name: A\n    home: http://a.example/\n    role: partner\n    aliases: {b: 1}\n",
         "sources[0] (A): field 'aliases' must be a list of names"),
        ("sources:\n  - name: A\n    home: http://a.example/\n    role: partner\n"
         "  - name: B\n    home: http://a.example/x\n    role: partner\n", "host a.example already used"),
        ("sources: {}\n", "'sources' must be a list"),
        ("- a\n- b\n", "top-level 'sources'"),
        ("sources: [\n", "not valid YAML"),
        ("sources:\n  - just a string\n", "sources[0]: must be a mapping"),
    ],
)
def test_bad_files_name_entry_and_field(text: str, fragment: str) -> None:
    with pytest.raises(SourcesFileError) as info:
        parse_sources(text)
    assert any(fragment in problem for problem in info.value.problems), info.value.problems


def test_every_problem_is_reported() -> None:
    text = "sources:\n  - name: A\n    role: x\n  - name: B\n    home: http://b.example/\n    role: y\n"
    with pytest.raises(SourcesFileError) as info:
        parse_sources(text)
    assert len(info.value.problems) == 3


def test_import_is_idempotent_and_a_bad_file_changes_nothing(tmp_path: Path, database_url: str) -> None:
    env = cli_env(database_url)
    run_cli("db", "upgrade", env=env)
    good = tmp_path / "sources.yaml"
    good.write_text(GOOD, encoding="utf-8")
    run_cli("sources", "import", str(good), env=env)
    run_cli("sources", "import", str(good), env=env)
    listed = run_cli("sources", "list", "--format", "jsonl", env=env).stdout.splitlines()
    assert len(listed) == 2
    assert '"aliases": ["USEO", "Blog USEO"]' in listed[0]

    # An update changes the row in place.
    good.write_text(GOOD.replace("role: republisher", "role: partner"), encoding="utf-8")
    run_cli("sources", "import", str(good), env=env)
    listed = run_cli("sources", "list", "--format", "jsonl", env=env).stdout.splitlines()
    assert len(listed) == 2 and all('"role": "partner"' in line for line in listed)

    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD + "  - name: C\n    home: http://c.example/\n    role: nobody\n", encoding="utf-8")
    result = run_cli("sources", "import", str(bad), env=env, check=False)
    assert result.returncode == 2
    assert "sources[2] (C): field 'role'" in result.stderr
    listed = run_cli("sources", "list", "--format", "jsonl", env=env).stdout.splitlines()
    assert len(listed) == 2


def test_commands_refuse_an_empty_database(tmp_path: Path) -> None:
    env = cli_env(f"sqlite:///{tmp_path / 'empty.db'}")
    result = run_cli("sources", "list", env=env, check=False)
    assert result.returncode == 1
    assert "aggregator db upgrade" in result.stderr


def test_an_import_that_says_nothing_of_aliases_keeps_them(tmp_path: Path, database_url: str) -> None:
    from aggregator.sources.file import SourceSpec
    from aggregator.sources.importer import import_sources

    env = cli_env(database_url)
    run_cli("db", "upgrade", env=env)
    good = tmp_path / "sources.yaml"
    good.write_text(GOOD, encoding="utf-8")
    run_cli("sources", "import", str(good), env=env)
    # What an OPML import or `sources add` gives: no word of aliases.
    import_sources(database_url, [SourceSpec(name="USEO blog", home="http://blog.useo.net/", host="blog.useo.net",
                                             role="partner")])
    listed = run_cli("sources", "list", "--format", "jsonl", env=env).stdout.splitlines()
    assert '"name": "USEO blog", "aliases": ["USEO", "Blog USEO"]' in listed[0]
    # A sources file is the whole description: without the field, a source has no aliases.
    good.write_text(GOOD.replace("    aliases: [USEO,  \"Blog  USEO\", \"le blog d'useo\"]  # optional\n", ""),
                    encoding="utf-8")
    run_cli("sources", "import", str(good), env=env)
    listed = run_cli("sources", "list", "--format", "jsonl", env=env).stdout.splitlines()
    assert '"aliases": []' in listed[0]
