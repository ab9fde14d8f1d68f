"""Index → search round trips: the bundled article's real entries, odd input, filters, JSON
shape, determinism, and the plain-language question set (tests/questions.yml)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from privacy_kb.index import INDEX_META_FILE, entry_url, stored_documents, write_index
from privacy_kb.model import FaqEntry, SourceRef
from privacy_kb.pipeline import collect
from privacy_kb.questions_eval import DEFAULT_QUESTIONS, evaluate, load_questions
from privacy_kb.search import KnowledgeIndex, SearchError, format_results, search

CONTENT = Path(__file__).resolve().parents[1] / "content"
TRAINING_QUESTION = "Does Microsoft use my prompts to train models when I use a serverless API?"
TRAINING_ANSWER = "doesn't use these prompts and outputs to train"

# Thresholds actually reached on the bundled article (see the printed report); a drop is a
# ranking regression to look at, not a number to lower.
MIN_HIT_AT_1 = 0.90
MIN_HIT_AT_3 = 0.95


@pytest.fixture(scope="module")
def collected():
    return collect(CONTENT)


@pytest.fixture(scope="module")
def index_dir(collected, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("index") / "search-index"
    write_index(collected.entries, collected.taxonomy, directory)
    return directory


@pytest.fixture(scope="module")
def knowledge(index_dir):
    with KnowledgeIndex(index_dir) as opened:
        yield opened


# --- the bundled article ------------------------------------------------------------------------


def test_training_question_answers_first(knowledge):
    response = knowledge.search(TRAINING_QUESTION)
    first = response.results[0]
    assert TRAINING_ANSWER in first.answer
    assert "serverless-api" in first.deployment_types
    assert response.named_types == ("serverless-api",)


def test_question_set_hit_rates(index_dir):
    report = evaluate(index_dir, load_questions(DEFAULT_QUESTIONS))
    print("\n" + report.summary())
    assert report.total >= 30
    assert report.hit_at_1 >= MIN_HIT_AT_1, report.summary()
    assert report.hit_at_3 >= MIN_HIT_AT_3, report.summary()


@pytest.mark.parametrize("alias", ["MaaS", "pay-as-you-go", "standard deployment",
                                   "models as a service"])  # fmt: skip
def test_taxonomy_aliases_name_the_deployment_type(knowledge, alias):
    response = knowledge.search(f"are my prompts stored with {alias}")
    assert response.named_types == ("serverless-api",)
    assert "serverless-api" in response.results[0].deployment_types


def test_every_entry_is_indexed_with_its_url(collected, index_dir):
    records = stored_documents(index_dir)
    assert [r["id"] for r in records] == sorted(e.id for e in collected.entries)
    by_id = {e.id: e for e in collected.entries}
    for record in records:
        entry = by_id[record["id"]]
        assert record["url"] == entry_url(entry)
        assert record["answer"] == entry.answer_text


def test_index_documents_are_deterministic(collected, tmp_path):
    write_index(collected.entries, collected.taxonomy, tmp_path / "a")
    write_index(tuple(reversed(collected.entries)), collected.taxonomy, tmp_path / "b")
    assert stored_documents(tmp_path / "a") == stored_documents(tmp_path / "b")
    meta_a = (tmp_path / "a" / INDEX_META_FILE).read_text(encoding="utf-8")
    assert meta_a == (tmp_path / "b" / INDEX_META_FILE).read_text(encoding="utf-8")


def test_rebuild_replaces_the_index(collected, tmp_path):
    directory = tmp_path / "index"
    write_index(collected.entries[:3], collected.taxonomy, directory)
    write_index(collected.entries, collected.taxonomy, directory)
    assert len(stored_documents(directory)) == len(collected.entries)


def test_refuses_to_replace_a_directory_that_is_not_an_index(collected, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(Exception, match="not a search index"):
        write_index(collected.entries, collected.taxonomy, tmp_path)
    assert (tmp_path / "notes.txt").exists()


# --- JSON contract and formatting ----------------------------------------------------------------


def test_json_shape(index_dir):
    data = json.loads(search(index_dir, "is my data stored", limit=3).to_json())
    assert set(data) == {"query", "results"}
    assert data["query"] == "is my data stored"
    assert 1 <= len(data["results"]) <= 3
    for result in data["results"]:
        assert set(result) == {"id", "question", "answer", "url", "deployment_types", "facets",
                               "score", "source"}  # fmt: skip
        assert set(result["source"]) == {"path", "title", "heading", "anchor", "learn_url",
                                         "ms_date"}  # fmt: skip
        assert isinstance(result["score"], float)
        assert result["url"].startswith(("deployments/", "questions/"))
        assert result["url"].endswith("#" + result["id"])
        assert result["source"]["learn_url"].startswith(
            "https://learn.microsoft.com/azure/ai-foundry/how-to/concept-data-privacy#"
        )
        assert result["source"]["ms_date"] == "01/26/2026"


def test_format_results_shows_answer_and_provenance(knowledge):
    text = format_results(knowledge.search(TRAINING_QUESTION, limit=2))
    assert text.startswith("1. ")
    assert "2. " in text
    assert "serverless API" in text
    assert "https://learn.microsoft.com/azure/ai-foundry/how-to/concept-data-privacy#" in text
    long_lines = [line for line in text.splitlines() if len(line) > 88]
    assert all(line.lstrip().startswith(("Learn: ", "Link: ")) for line in long_lines)


def test_format_no_results(knowledge):
    text = format_results(knowledge.search("the of and"))
    assert text.startswith("No results for 'the of and'")
    assert "no searchable words" in text


# --- any input is safe ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["API?", "AND (", '"unclosed', "", "   ", "x" * 10_000, "word " * 2_000, "データは保存されますか？",
     "Ça marche? ñandú «prompts»", "what is it?", "*", "?", "NOT", "OR OR AND", "a:b: c:",
     "prompts^", "[a TO", "train~2", "'single quote", "don't", "(((((", "\\", "\x00 nul", "emoji 🤖"],
)  # fmt: skip
def test_any_query_is_safe(knowledge, query):
    response = knowledge.search(query)
    assert response.results or response.message
    format_results(response)
    json.loads(response.to_json())


def test_question_mark_is_punctuation(knowledge):
    assert knowledge.search("API?").results


def test_only_stop_words_explains(knowledge):
    response = knowledge.search("what is it?")
    assert response.results == ()
    assert "no searchable words" in response.message


def test_long_query_is_cut_and_said(knowledge):
    response = knowledge.search("training " * 2_000)
    assert response.results
    assert "cut" in response.message


def test_quoted_phrase(knowledge):
    response = knowledge.search('"data processor"')
    assert all("processor-role" in r.facets for r in response.results[:3])
    assert any("acts as the data processor" in r.answer for r in response.results[:3])


def test_typo_is_tolerated(knowledge):
    assert "stateless" in knowledge.search("statelss models").results[0].answer


# --- filters and errors --------------------------------------------------------------------------


def test_type_filter(knowledge):
    response = knowledge.search("is my data used for training", deployment_type="fine-tuned-serverless")
    assert response.results
    assert all("fine-tuned-serverless" in r.deployment_types for r in response.results)
    assert "isn't used to train" in response.results[0].answer


def test_unknown_type_lists_valid_ids(knowledge):
    with pytest.raises(SearchError) as error:
        knowledge.search("training", deployment_type="lambda")
    message = str(error.value)
    assert "'lambda'" in message
    for type_id in ("managed-compute", "serverless-api", "fine-tuned-serverless", "downloaded-model"):
        assert type_id in message


def test_source_filter(knowledge):
    slug = knowledge.sources[0]["slug"]
    assert knowledge.search("training", source=slug).results
    assert knowledge.search("training", source=knowledge.sources[0]["path"]).results
    with pytest.raises(SearchError, match="unknown source"):
        knowledge.search("training", source="nope")


def test_missing_index_says_build(tmp_path):
    with pytest.raises(SearchError, match="privacy-kb build"):
        search(tmp_path / "nothing-here", "training")


def test_empty_dir_says_build(tmp_path):
    with pytest.raises(SearchError, match="privacy-kb build"):
        search(tmp_path, "training")


# --- a small index of hand-made entries: the ranking rules without the extractor -----------------


def _entry(entry_id, question, answer, types=(), facets=(), heading="Heading"):
    source = SourceRef("articles/x/a.md", "Title", heading, "heading", 1, 2,
                       "https://learn.microsoft.com/azure/x/a#heading", "01/01/2026")  # fmt: skip
    return FaqEntry(entry_id, question, answer, answer, tuple(types), tuple(facets), source, "fact")


def test_named_type_ranks_its_entries_first(collected, tmp_path):
    statement = "Training data isn't used to train any model."
    entries = [
        _entry("a-managed", "Is data used for training?", statement, ["managed-compute"]),
        _entry("b-serverless", "Is data used for training?", statement, ["serverless-api"]),
        _entry("c-general", "Is data used for training?", statement),
    ]
    write_index(entries, collected.taxonomy, tmp_path / "ix")
    with KnowledgeIndex(tmp_path / "ix") as small:
        for query, first in [("training with MaaS", "b-serverless"),
                             ("training on a managed online endpoint", "a-managed")]:  # fmt: skip
            assert small.search(query).results[0].id == first


def test_entry_url():
    assert entry_url(_entry("x-serverless-api-training-use", "q", "a", ["serverless-api", "y"])) == (
        "deployments/serverless-api/#x-serverless-api-training-use"
    )
    assert entry_url(_entry("x-what-data", "q", "a")) == "questions/#x-what-data"


def test_query_latency_is_small(knowledge):
    questions = [q.q for q in load_questions(DEFAULT_QUESTIONS)]
    start = time.perf_counter()
    for question in questions:
        knowledge.search(question)
    per_query_ms = (time.perf_counter() - start) * 1000 / len(questions)
    assert per_query_ms < 100
