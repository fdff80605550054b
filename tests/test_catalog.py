"""The compiled catalog cache: reused while sources are unchanged, rebuilt when they change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import topic_yaml, write

from backend_mentor.curriculum import catalog as catalog_module
from backend_mentor.curriculum import yamlio
from backend_mentor.curriculum.catalog import catalog_from_sources
from backend_mentor.curriculum.sources import Source
from backend_mentor.errors import CurriculumError


@pytest.fixture
def pack(make_pack) -> Path:
    return make_pack(
        topics={"alpha": topic_yaml("alpha"), "beta": topic_yaml("beta", prerequisites="[alpha]")}, categories=True
    )


def load(root: Path):
    return catalog_from_sources([Source(root, shipped=True)])


def test_second_load_reads_the_cache_without_parsing_yaml(pack):
    first = load(pack)
    assert not first.from_cache and first.cache_file is not None
    parses = yamlio.PARSE_COUNT
    second = load(pack)
    assert second.from_cache
    assert parses == yamlio.PARSE_COUNT
    assert second.topics["beta"].prerequisites == ["alpha"]
    assert second.counts() == first.counts()


def test_editing_a_file_invalidates_the_cache(pack):
    load(pack)
    target = pack / "topics" / "internet" / "alpha.yaml"
    target.write_text(topic_yaml("alpha", title="Alpha, revised"))
    os.utime(target, ns=(1, 1))  # a different mtime even on coarse clocks
    again = load(pack)
    assert not again.from_cache
    assert again.topics["alpha"].title == "Alpha, revised"


def test_adding_and_removing_files_invalidates_the_cache(pack):
    load(pack)
    write(pack / "topics" / "internet" / "gamma.yaml", topic_yaml("gamma"))
    added = load(pack)
    assert not added.from_cache and "gamma" in added.topics
    (pack / "topics" / "internet" / "gamma.yaml").unlink()
    removed = load(pack)
    assert not removed.from_cache and "gamma" not in removed.topics


def test_a_new_package_version_invalidates_the_cache(pack, monkeypatch):
    load(pack)
    monkeypatch.setattr(catalog_module, "__version__", "99.0.0")
    assert not load(pack).from_cache


def test_an_invalid_curriculum_is_never_cached(pack):
    load(pack)
    target = pack / "topics" / "internet" / "alpha.yaml"
    target.write_text(topic_yaml("alpha", level="expert"))
    os.utime(target, ns=(2, 2))
    with pytest.raises(CurriculumError) as info:
        load(pack)
    assert "alpha.yaml:4: 'level' must be one of" in info.value.problems[0]
    with pytest.raises(CurriculumError):
        load(pack)  # still invalid, still not served from a stale cache


def test_a_damaged_cache_file_is_rebuilt(pack):
    first = load(pack)
    first.cache_file.write_bytes(b"this is not sqlite")
    again = load(pack)
    assert not again.from_cache and again.topics.keys() == first.topics.keys()


def test_full_text_index_is_in_the_cache(pack):
    catalog = load(pack)
    rows = catalog.search_db().execute("SELECT id FROM topic_fts ORDER BY id").fetchall()
    assert [r[0] for r in rows] == ["alpha", "beta"]


def test_a_cached_catalog_decodes_only_the_topics_a_command_uses(pack):
    load(pack)
    cached = load(pack)
    assert cached.from_cache and list(cached.topics) == ["alpha", "beta"] and len(cached.topics) == 2
    assert cached.topics._loaded == {}  # ids and order known, nothing decoded yet
    assert cached.paths._loaded == {} and cached.checkpoints._loaded == {} and cached.projects._loaded == {}
    assert cached.topics["beta"].prerequisites == ["alpha"] and list(cached.topics._loaded) == ["beta"]
    assert "gamma" not in cached.topics and cached.topics.get("gamma") is None
    assert [t.id for t in cached.topics.values()] == ["alpha", "beta"]  # all, in catalog order
    assert [tid for tid, _ in cached.topics.items()] == ["alpha", "beta"]


def test_a_cache_missing_topic_rows_is_rebuilt(pack):
    import sqlite3

    first = load(pack)
    first._search_db and first._search_db.close()
    db = sqlite3.connect(first.cache_file)
    with db:
        db.execute("DELETE FROM entity WHERE kind = 'topic' AND id = 'beta'")
    db.close()
    again = load(pack)
    assert not again.from_cache and again.topics["beta"].prerequisites == ["alpha"]


def test_a_topic_row_damaged_after_loading_is_one_clear_error(pack):
    import sqlite3

    load(pack)
    cached = load(pack)
    db = sqlite3.connect(cached.cache_file)
    with db:
        db.execute("UPDATE entity SET value = 'not json' WHERE kind = 'topic' AND id = 'alpha'")
    db.close()
    with pytest.raises(CurriculumError) as info:
        cached.topics["alpha"]
    assert "is damaged; delete it" in str(info.value)


# --- the shipped curriculum's parsed files are kept: a pack does not make it parse again ------------


def shipped_docs_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("shipped-docs-*.pickle"))


def test_adding_a_pack_parses_only_the_packs_files(make_pack, mini, tmp_path, monkeypatch):
    """(The small fixture curriculum stands in for the shipped one: the same code path, quicker.)"""
    from backend_mentor.curriculum.catalog import load_catalog
    from backend_mentor.curriculum.sources import source_files

    pack = make_pack(topics={"alpha": topic_yaml("alpha"), "beta": topic_yaml("beta", prerequisites="[alpha]")})
    monkeypatch.setenv("BACKEND_MENTOR_CACHE_DIR", str(tmp_path / "cache"))
    shipped = load_catalog()
    assert len(shipped_docs_files(tmp_path / "cache")) == 1
    parses = yamlio.PARSE_COUNT
    with_pack = load_catalog([pack])
    assert not with_pack.from_cache  # a new set of sources compiles...
    assert yamlio.PARSE_COUNT - parses == len(
        list(source_files(Source(pack, shipped=False)))
    )  # ...parsing the pack alone
    assert set(shipped.topics) < set(with_pack.topics)
    assert with_pack.topics["http-basics"] == shipped.topics["http-basics"]


class Planted:
    """What a planted pickle would run on load, if the loader built any class it is given."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def kept(docs_file: Path) -> dict:
    import pickle

    return pickle.loads(docs_file.read_bytes())  # (our own file, written by this test's first load)


@pytest.mark.parametrize("content", ["garbage", "planted", "other-shape", "not-mappings"])
def test_a_damaged_or_planted_parse_cache_is_parsed_again_and_never_run(mini, tmp_path, monkeypatch, content):
    import pickle

    from backend_mentor.curriculum.catalog import load_catalog

    cache = tmp_path / "cache"
    monkeypatch.setenv("BACKEND_MENTOR_CACHE_DIR", str(cache))
    expected = load_catalog(use_cache=False)
    (docs_file,) = shipped_docs_files(cache)
    marker = tmp_path / "ran"
    docs_file.write_bytes(
        {
            "garbage": b"\x80\x05not a pickle",
            "planted": pickle.dumps({"format": 1, "key": "x", "docs": Planted(marker)}),
            "other-shape": pickle.dumps([1, 2, 3]),
            "not-mappings": pickle.dumps({**kept(docs_file), "docs": dict.fromkeys(kept(docs_file)["docs"], [1, 2])}),
        }[content]
    )
    again = load_catalog(use_cache=False)
    assert not marker.exists()
    assert again.topics == expected.topics and again.paths == expected.paths
    assert pickle.loads(docs_file.read_bytes())["format"] == 1  # parsed again and written anew


# --- compiled lessons are kept by their text: a pack compiles only its own lessons -----------------


def markup_table(catalog) -> dict[str, str]:
    import sqlite3

    db = sqlite3.connect(catalog.cache_file)
    try:
        return dict(db.execute("SELECT key, value FROM markup"))
    finally:
        db.close()


def test_adding_a_pack_compiles_only_the_packs_lessons_and_the_blocks_are_the_same(
    make_pack, mini, tmp_path, monkeypatch
):
    from backend_mentor.curriculum import markup
    from backend_mentor.curriculum.catalog import load_catalog

    pack = make_pack(topics={"alpha": topic_yaml("alpha"), "beta": topic_yaml("beta", prerequisites="[alpha]")})
    monkeypatch.setenv("BACKEND_MENTOR_CACHE_DIR", str(tmp_path / "cache"))
    shipped = load_catalog()
    parsed: list[str] = []
    real_parse = markup.parse
    monkeypatch.setattr(markup, "parse", lambda text: parsed.append(text) or real_parse(text))
    with_pack = load_catalog([pack])
    assert sorted(parsed) == sorted({with_pack.topics["alpha"].lesson, with_pack.topics["beta"].lesson})
    # what came from the kept compilations is what parsing gives: the same blocks as a fresh cache
    monkeypatch.setenv("BACKEND_MENTOR_CACHE_DIR", str(tmp_path / "fresh"))
    fresh = load_catalog([pack])
    assert markup_table(with_pack) == markup_table(fresh)
    assert set(markup_table(shipped)) < set(markup_table(with_pack))


@pytest.mark.parametrize("damage", ["garbage", "locked-shape", "wrong-blocks"])
def test_a_damaged_markup_cache_means_parsing_again(make_pack, mini, tmp_path, monkeypatch, damage):
    import sqlite3

    from backend_mentor.curriculum.catalog import load_catalog

    pack = make_pack(topics={"alpha": topic_yaml("alpha")})
    monkeypatch.setenv("BACKEND_MENTOR_CACHE_DIR", str(tmp_path / "fresh"))
    expected = markup_table(load_catalog([pack]))
    cache = tmp_path / "cache"
    cache.mkdir()
    if damage == "garbage":
        (cache / "markup.sqlite").write_bytes(b"this is not sqlite at all" * 100)
    elif damage == "wrong-blocks":  # the right keys (copied from a good compile), values not blocks
        good = sqlite3.connect(tmp_path / "fresh" / "markup.sqlite")
        keys = [key for (key,) in good.execute("SELECT key FROM markup")]
        good.close()
        db = sqlite3.connect(cache / "markup.sqlite")
        db.execute("CREATE TABLE markup (key TEXT PRIMARY KEY, blocks TEXT NOT NULL)")
        db.executemany(
            "INSERT INTO markup VALUES (?, ?)",
            [(key, value) for key, value in zip(keys, ["{}", "not json", "7"] * len(keys))],
        )
        db.commit()
        db.close()
    else:  # a table of that name with other columns
        db = sqlite3.connect(cache / "markup.sqlite")
        db.execute("CREATE TABLE markup (k, v, w)")
        db.commit()
        db.close()
    monkeypatch.setenv("BACKEND_MENTOR_CACHE_DIR", str(cache))
    assert markup_table(load_catalog([pack])) == expected


def test_a_cache_file_is_written_whole_or_not_at_all(tmp_path):
    from backend_mentor.tempfiles import write_cache_file

    target = tmp_path / "cache" / "kept.bin"
    assert write_cache_file(target, lambda tmp: Path(tmp).write_bytes(b"whole"))
    assert target.read_bytes() == b"whole"

    def fails_halfway(tmp: str) -> None:
        Path(tmp).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    assert not write_cache_file(target, fails_halfway)
    assert target.read_bytes() == b"whole" and sorted(p.name for p in target.parent.iterdir()) == ["kept.bin"]
    (tmp_path / "file").write_text("x")
    assert not write_cache_file(tmp_path / "file" / "kept.bin", lambda tmp: None)  # its folder is a file
