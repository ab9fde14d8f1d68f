"""Index → search round trips: the five bundled articles' real entries, odd input, filters
across articles, JSON shape, passages, one result per statement, determinism, the browser
index's agreement with the Whoosh index, and the plain-language question sets
(tests/questions-dev.yml, tuned on; tests/questions-test.yml, held out)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from kbtools.questions_eval import (
    DEFAULT_QUESTIONS,
    TEST_QUESTIONS,
    evaluate,
    load_questions,
)
from privacy_kb.browser_index import browser_index, term_shard
from privacy_kb.index import INDEX_META_FILE, entry_url, stored_documents, write_index
from privacy_kb.links import source_slug
from privacy_kb.model import FaqEntry, SourceRef
from privacy_kb.pipeline import collect
from privacy_kb.resources import schema_path
from privacy_kb.search import KnowledgeIndex, SearchError, format_results, search

CONTENT = Path(__file__).resolve().parents[1] / "content"
TRAINING_QUESTION = "Does Microsoft use my prompts to train models when I use a serverless API?"
TRAINING_ANSWER = "doesn't use these prompts and outputs to train"
CLAUDE_PROCESSOR_QUESTION = "who processes my data when I use Claude in Foundry?"
# Either of the article's sentences that name Anthropic as the processor answers it.
CLAUDE_PROCESSOR_ANSWERS = ("Anthropic (not Microsoft) is the processor of the data",
                            "Anthropic acts as the data processor for prompts and outputs")
CONCEPT = "articles/ai-foundry/how-to/concept-data-privacy.md"
OPENAI = "articles/ai-foundry/responsible-ai/openai/data-privacy.md"
AGENTS = "articles/ai-foundry/responsible-ai/agents/data-privacy-security.md"
SEARCH_SCHEMA = schema_path("search.schema.json")

# Thresholds actually reached on the DEVELOPMENT questions (96 answerable), judged on the
# passage a reader sees first (hit@1 74, hit@3 87) and on the whole answer (82, 93); see the
# printed report. (Before the entries of issue 8 were merged: 79, 86, 89, 93.) A drop is a
# ranking regression to look at, not a number to lower. Looked at once: section questions worded
# for readers (issue 9: "Where is data stored for Azure AI Agent Service features?") now rank the
# section first for two agents questions, whose passage misses the sentence (hit@1 74 -> 72 on
# the passage; the whole answer is unchanged at 82).
MIN_HIT_AT_1 = 0.75
MIN_HIT_AT_3 = 0.90
MIN_ANSWER_HIT_AT_1 = 0.85
MIN_ANSWER_HIT_AT_3 = 0.96
# Per article (hit@1, hit@3 on the passage), as reached. Azure OpenAI is the weak one: its facts
# are merged into long per-facet answers that match almost any Azure OpenAI question.
MIN_PER_ARTICLE = {
    "concept-data-privacy": (0.80, 0.92),
    "openai-data-privacy": (0.55, 0.70),
    "claude-models-data-privacy": (0.9, 1.0),
    "content-safety-data-privacy": (0.7, 0.9),
    "agents-data-privacy-security": (0.83, 1.0),
}


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


def test_claude_processor_question_answers_first(knowledge):
    first = knowledge.search(CLAUDE_PROCESSOR_QUESTION).results[0]
    assert any(answer in first.answer for answer in CLAUDE_PROCESSOR_ANSWERS)
    assert first.deployment_types == ("claude",)
    assert first.source.path == "articles/ai-foundry/responsible-ai/claude-models/data-privacy.md"


def test_question_set_hit_rates(index_dir):
    report = evaluate(index_dir, load_questions(DEFAULT_QUESTIONS))
    print("\n" + report.summary())
    assert report.total >= 80
    assert report.hit_at_1 >= MIN_HIT_AT_1, report.summary()
    assert report.hit_at_3 >= MIN_HIT_AT_3, report.summary()
    assert report.answer_hit_at_1 >= MIN_ANSWER_HIT_AT_1, report.summary()
    assert report.answer_hit_at_3 >= MIN_ANSWER_HIT_AT_3, report.summary()
    scores = {score.article: score for score in report.by_article}
    for article, (min_1, min_3) in MIN_PER_ARTICLE.items():
        score = scores[article]
        assert score.total >= 10, article
        assert score.hits_at_1 >= min_1 * score.total, report.summary()
        assert score.hits_at_3 >= min_3 * score.total, report.summary()


def test_question_set_expectations_are_verbatim(collected):
    """Every expected substring is in an entry of the article the question is about."""
    assert _not_in_any_answer(collected, DEFAULT_QUESTIONS) == []


def test_held_out_questions_match_the_articles(collected):
    """The held-out set is used as written (never edited); nearly all of its expectations are
    in an answer (the rest count as misses, honestly), and it covers all five articles."""
    questions = load_questions(TEST_QUESTIONS)
    answerable = [q for q in questions if q.answerable]
    assert len(questions) >= 80 and len(answerable) < len(questions)
    assert len({q.article for q in answerable} - {"(any article)"}) == 5
    missing = _not_in_any_answer(collected, TEST_QUESTIONS)
    print("\nheld-out expectations found in no answer:", missing)
    assert len(missing) <= 0.05 * len(answerable)


def _not_in_any_answer(collected, path):
    return [
        question.q for question in load_questions(path) if question.answerable and not any(
            expected in entry.answer_text
            and (not question.sources or source_slug(entry.source.path) in question.sources)
            for entry in collected.entries for expected in question.answer_contains
        )
    ]  # fmt: skip


@pytest.mark.parametrize("alias", ["MaaS", "pay-as-you-go", "models as a service"])
def test_taxonomy_aliases_name_the_deployment_type(knowledge, alias):
    response = knowledge.search(f"are my prompts stored with {alias}")
    assert response.named_types == ("serverless-api",)
    assert "serverless-api" in response.results[0].deployment_types


def test_a_wording_shared_by_types_names_them_all(knowledge):
    """The taxonomy gives "standard deployment" to serverless API and to Azure OpenAI's Standard
    type, and "Azure OpenAI" to its three types: the query names every one of them."""
    assert knowledge.named_types("standard deployment") == (
        "serverless-api",
        "azure-direct-standard",
    )
    assert knowledge.named_types("Azure OpenAI") == (
        "azure-direct-standard",
        "azure-direct-global",
        "azure-direct-data-zone",
    )
    # the longest wording still wins: "Data Zone deployment" is not also a "Global" one
    assert (
        knowledge.named_types("Azure OpenAI data zone deployment")[-1] == "azure-direct-data-zone"
    )


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


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def test_the_same_entries_give_the_same_index_files(collected, tmp_path):
    """File names and bytes, of the Whoosh index and of the browser index."""
    from privacy_kb.browser_index import write_browser_index

    for name, entries in (("a", collected.entries), ("b", tuple(reversed(collected.entries)))):
        corpus = write_index(entries, collected.taxonomy, tmp_path / name / "index")
        write_browser_index(corpus, collected.taxonomy, tmp_path / name)
    first = _files(tmp_path / "a")
    assert any(name.startswith("index/") and name.endswith(".seg") for name in first)
    assert any(name.startswith("search/terms-") for name in first)
    assert first == _files(tmp_path / "b")


def test_postings_written_directly_are_what_whoosh_writes(collected, tmp_path):
    """The fast path (index_codec) writes the very files Whoosh's own writer makes."""
    from privacy_kb.index import DIRECT_FIELDS, analyse_entries, write_whoosh

    corpus = analyse_entries(collected.entries, collected.taxonomy)
    for name, fields in (("direct", DIRECT_FIELDS), ("pool", ())):
        (tmp_path / name).mkdir()
        write_whoosh(corpus, tmp_path / name, direct_fields=fields)
    direct, pool = _files(tmp_path / "direct"), _files(tmp_path / "pool")
    assert sorted(direct) == sorted(pool)
    assert sum(len(data) for data in direct.values()) > 100_000
    for name in direct:
        assert direct[name] == pool[name], name


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


def test_json_shape(index_dir, collected):
    """Each result says which article and deployment types it comes from."""
    documents = {document.path: document for document in collected.documents}
    data = json.loads(search(index_dir, "is my data stored", limit=10).to_json())
    jsonschema.validate(data, json.loads(SEARCH_SCHEMA.read_text(encoding="utf-8")))
    assert set(data) == {"query", "results"}
    assert data["query"] == "is my data stored"
    assert len(data["results"]) == 10
    assert len({result["source"]["path"] for result in data["results"]}) > 1  # several articles
    for result in data["results"]:
        assert set(result) == {"id", "question", "passage", "answer", "url", "deployment_types",
                               "deployment_type_names", "facets", "score", "source",
                               "same_answer"}  # fmt: skip
        assert result["passage"] in result["answer"]
        assert set(result["source"]) == {"path", "title", "heading", "anchor", "learn_url",
                                         "ms_date"}  # fmt: skip
        assert isinstance(result["score"], float)
        assert result["url"].startswith(("deployments/", "questions/"))
        assert result["url"].endswith("#" + result["id"])
        document = documents[result["source"]["path"]]
        assert result["source"]["title"] == document.title
        assert result["source"]["ms_date"] == document.ms_date
        assert result["source"]["learn_url"].startswith(document.learn_url + "#")
        names = [collected.taxonomy.deployment_type(t).name for t in result["deployment_types"]]
        assert result["deployment_type_names"] == names
        # The types of every entry with the same answer (one statement, one result).
        own = next(e for e in collected.entries if e.id == result["id"]).deployment_types
        assert set(own) <= set(result["deployment_types"])


def test_format_results_shows_passage_first_then_types_article_and_provenance(knowledge):
    text = format_results(knowledge.search(TRAINING_QUESTION, limit=2))
    assert text.startswith("1. ")
    assert "2. " in text
    first = text.split("\n\n")[0].splitlines()
    # the passage that answers comes right under the question, then types and article
    assert TRAINING_ANSWER in " ".join(line.strip() for line in first[1:3])
    labels = [line.strip().split(":")[0] for line in first if line.startswith("    ") and ":" in line]
    assert labels.index("Applies to") < labels.index("Article") < labels.index("Learn")
    assert "Applies to: serverless API" in text
    assert "https://learn.microsoft.com/azure/ai-foundry/how-to/concept-data-privacy#" in text
    long_lines = [line for line in text.splitlines() if len(line) > 88]
    assert all(line.lstrip().startswith(("Learn: ", "Link: ")) for line in long_lines)


def test_format_results_names_each_results_article(knowledge):
    text = format_results(knowledge.search(CLAUDE_PROCESSOR_QUESTION, limit=1))
    assert "Article: Data, privacy, and security for use of Anthropic Claude models" in text
    assert "Applies to: Anthropic Claude models" in text


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
    response = knowledge.search(
        "is my data used for training", deployment_type="fine-tuned-serverless"
    )
    assert response.results
    assert all("fine-tuned-serverless" in r.deployment_types for r in response.results)
    assert "isn't used to train" in response.results[0].answer


@pytest.mark.parametrize("type_id, query, answer, path", [
    ("azure-direct-global", "where is my data processed",
     "may be processed in any geography where the relevant Azure Direct Model is deployed", OPENAI),
    ("agent-service", "is my data used for training",
     "are NOT used to improve OpenAI, Meta, Cohere, or Mistral models", AGENTS),
    ("claude", "who is the data processor", "Anthropic (not Microsoft) is the processor", None),
    ("content-safety", "are my blocklists encrypted", "encrypted at rest by Microsoft Managed keys",
     None),
])  # fmt: skip
def test_type_filter_across_articles(knowledge, type_id, query, answer, path):
    response = knowledge.search(query, deployment_type=type_id, limit=20)
    assert response.results
    assert all(type_id in r.deployment_types for r in response.results)
    assert answer in response.results[0].answer
    if path:
        assert {r.source.path for r in response.results} == {path}


def test_type_filter_keeps_a_question_on_its_type(knowledge):
    """The same words, filtered by types of two articles, give each article's own answer."""
    serverless = knowledge.search("where is my data processed", deployment_type="serverless-api")
    data_zone = knowledge.search(
        "where is my data processed", deployment_type="azure-direct-data-zone"
    )
    assert serverless.results[0].source.path == CONCEPT
    assert data_zone.results[0].source.path == OPENAI
    assert "within the specified data zone" in data_zone.results[0].answer


def test_unknown_type_lists_valid_ids(knowledge):
    with pytest.raises(SearchError) as error:
        knowledge.search("training", deployment_type="lambda")
    message = str(error.value)
    assert "'lambda'" in message
    for type_id in (
        "managed-compute",
        "serverless-api",
        "fine-tuned-serverless",
        "downloaded-model",
    ):
        assert type_id in message


def test_every_article_is_indexed_as_a_source(knowledge, collected):
    assert [s["path"] for s in knowledge.sources] == sorted(d.path for d in collected.documents)
    assert len(knowledge.sources) == 5


@pytest.mark.parametrize("slug", ["concept-data-privacy", "openai-data-privacy",
                                  "claude-models-data-privacy", "content-safety-data-privacy",
                                  "agents-data-privacy-security"])  # fmt: skip
def test_source_filter_by_slug_or_path(knowledge, slug):
    path = next(s["path"] for s in knowledge.sources if s["slug"] == slug)
    by_slug = knowledge.search("where is my data processed", source=slug, limit=50)
    by_path = knowledge.search("where is my data processed", source=path, limit=50)
    assert by_slug.results
    assert {r.source.path for r in by_slug.results} == {path}
    assert [r.id for r in by_slug.results] == [r.id for r in by_path.results]


def test_source_filter_picks_the_articles_answer(knowledge):
    question = "Is my data used to train models?"
    first = knowledge.search(question, source="content-safety-data-privacy").results[0]
    assert "do not use customer data to train" in first.answer
    first = knowledge.search(question, source="openai-data-privacy").results[0]
    assert "are NOT used to train any generative AI foundation models" in first.answer


def test_source_and_type_filters_combine(knowledge):
    both = knowledge.search(
        "stored", source="openai-data-privacy", deployment_type="azure-direct-global"
    )
    assert both.results
    assert all(r.source.path == OPENAI and "azure-direct-global" in r.deployment_types
               for r in both.results)  # fmt: skip
    # a type of another article: nothing, and the message says so
    none = knowledge.search("stored", source="openai-data-privacy", deployment_type="claude")
    assert none.results == ()
    assert "no entry matches" in none.message


def test_unknown_source_lists_the_indexed_slugs(knowledge):
    with pytest.raises(SearchError, match="unknown source") as error:
        knowledge.search("training", source="nope")
    assert "claude-models-data-privacy" in str(error.value)


def test_search_is_deterministic(index_dir, knowledge):
    """Same index, same query: the same results in the same order, in one process or two."""
    for query in (TRAINING_QUESTION, CLAUDE_PROCESSOR_QUESTION, "Azure OpenAI", "stored"):
        first = knowledge.search(query, limit=20).to_json()
        assert knowledge.search(query, limit=20).to_json() == first
        assert search(index_dir, query, limit=20).to_json() == first


def test_missing_index_says_build(tmp_path):
    with pytest.raises(SearchError, match="privacy-kb build"):
        search(tmp_path / "nothing-here", "training")


def test_empty_dir_says_build(tmp_path):
    with pytest.raises(SearchError, match="privacy-kb build"):
        search(tmp_path, "training")


# --- a small index of hand-made entries: the ranking rules without the extractor -----------------


def _entry(
    entry_id, question, answer, types=(), facets=(), heading="Heading", path="articles/x/a.md"
):
    source = SourceRef(path, "Title", heading, "heading", 1, 2,
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


def test_named_type_lifts_its_articles_general_sections(collected, tmp_path):
    """A section with no deployment type of the article the query's type belongs to (the
    taxonomy's `articles:` scope) ranks above the same words from another article."""
    statement = "Prompts are reviewed for abuse."
    entries = [
        _entry("a-concept", "Preventing abuse", statement, path=CONCEPT),
        _entry("b-openai", "Preventing abuse", statement, path=OPENAI),
        _entry("c-claude", "Who processes prompts?", "Anthropic does.", ["claude"],
               path="articles/ai-foundry/responsible-ai/claude-models/data-privacy.md"),
    ]  # fmt: skip
    write_index(entries, collected.taxonomy, tmp_path / "ix")
    with KnowledgeIndex(tmp_path / "ix") as small:
        assert small.search("abuse review with a global deployment").results[0].id == "b-openai"
        assert small.search("abuse review with a serverless API").results[0].id == "a-concept"


def test_entry_url():
    assert entry_url(
        _entry("x-serverless-api-training-use", "q", "a", ["serverless-api", "y"])
    ) == ("deployments/serverless-api/#x-serverless-api-training-use")
    assert entry_url(_entry("x-what-data", "q", "a")) == "questions/x-what-data/"


# --- the passage, one result per statement, the browser index ------------------------------------


@pytest.mark.parametrize("query", [TRAINING_QUESTION, CLAUDE_PROCESSOR_QUESTION, "abuse monitoring",
                                   "encrypted at rest", "where is my data processed"])
def test_passage_is_whole_verbatim_sentences_of_the_answer(knowledge, query):
    for result in knowledge.search(query, limit=10).results:
        assert result.passage and result.passage in result.answer
        start = result.answer.index(result.passage)
        end = start + len(result.passage)
        # whole sentences: it starts at the answer's start or after a sentence's end
        assert start == 0 or result.answer[start - 2 : start] in (". ", "? ", "! ", ": ") \
            or result.answer[start - 1] in "\n "
        assert end == len(result.answer) or result.answer[end] in " \n"


def test_passage_is_the_sentence_that_answers(knowledge):
    result = knowledge.search(TRAINING_QUESTION, limit=1).results[0]
    assert TRAINING_ANSWER in result.passage
    assert len(result.passage) < len(result.answer)


def test_one_statement_for_several_types_is_one_result(collected, tmp_path):
    statement = "Prompts aren't stored."
    entries = [
        _entry("a-standard", "Are prompts stored?", statement, ["azure-direct-standard"]),
        _entry("b-global", "Are prompts stored?", statement, ["azure-direct-global"]),
        _entry("c-other", "Are prompts kept?", "Prompts are kept for a day.", ["serverless-api"]),
    ]
    write_index(entries, collected.taxonomy, tmp_path / "ix")
    with KnowledgeIndex(tmp_path / "ix") as small:
        results = small.search("are prompts stored").results
    assert [r.id for r in results] == ["a-standard", "c-other"]
    assert results[0].deployment_types == ("azure-direct-standard", "azure-direct-global")
    assert results[0].same_answer == ("b-global",)
    assert "Global" in " ".join(results[0].deployment_type_names)
    with KnowledgeIndex(tmp_path / "ix") as small:
        (second,) = small.search("are prompts stored", deployment_type="azure-direct-global").results
    assert second.id == "b-global" and second.same_answer == ("a-standard",)


def test_browser_index_holds_the_whoosh_index_scores(collected, index_dir):
    """The site's search box reads the same integer impacts Whoosh's postings hold."""
    from privacy_kb.index import analyse_entries

    corpus = analyse_entries(collected.entries, collected.taxonomy)
    files = browser_index(corpus, collected.taxonomy)
    meta = files["meta.json.gz"]
    assert meta["entries"] == len(collected.entries)
    with KnowledgeIndex(index_dir) as knowledge:
        reader = knowledge._reader
        for term in ["train", "store", "processor", "anthrop", "serverless"]:
            postings = files[f"terms-{term_shard(term, meta['term_shards'])}.json.gz"][term]
            decoded, docnum = [], 0
            for gap, impact in zip(postings[1::2], postings[2::2], strict=True):
                docnum += gap
                decoded.append((docnum, impact))
            matcher, whoosh = reader.postings("impact", term), []
            while matcher.is_active():  # the public matcher interface, one posting at a time
                whoosh.append((matcher.id(), int(matcher.weight())))
                matcher.next()
            assert decoded == whoosh
            assert postings[0] == len(decoded)
    assert meta["forms"]["training"][-1] == "train"
    ids = [doc["id"] for n in range(meta["doc_shards"]) for doc in files[f"docs-{n}.json.gz"]]
    assert ids == sorted(e.id for e in collected.entries)


def test_fast_analysis_is_the_analyzer(collected):
    """The build's fast path gives exactly the Whoosh analyzers' terms and word forms."""
    from privacy_kb.search_analysis import FastTerms, make_analyzer, make_spelling_analyzer

    fast, stemmer, words_of = FastTerms(), make_analyzer(), make_spelling_analyzer()
    texts = [e.answer_text for e in collected.entries] + [e.question for e in collected.entries]
    texts += ["İstanbul ÇA MARCHE e.g. U.S. azure.com 1.2.3 don't I'm データ 🤖 x_y", "a I an"]
    for text in texts:
        assert fast(text) == [t.text for t in stemmer(text)], text
        assert fast.forms(text) == [t.text for t in words_of(text)], text
