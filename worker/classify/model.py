"""An optional supervised topic model, blended with the rules when one has been trained.

`ingest classifier train LABELLED.jsonl` fits TF-IDF + one-vs-rest logistic regression
(scikit-learn, the optional extra `ml`) on lines {"text": ..., "topics": [codes]} and
saves it under INGEST_DATA_DIR. Workers load it when the file is there and scikit-learn
is installed; otherwise topics come from the rules alone, so the extra stays optional.

Blending: score = RULE_WEIGHT x rule score + (1 - RULE_WEIGHT) x model probability, per
topic code, with the taxonomy's threshold applied to the blend. Half and half, because
the rules are precise but miss what their terms do not cover, and the model generalises
from its labels but cannot say why: a topic the rules did not see needs a confident
model (p >= 0.6 for the default 0.30 threshold), and its explanation says "model".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import structlog

from worker.classify.topics import Taxonomy
from worker.record import Topic
from worker.settings import Settings

log = structlog.get_logger(__name__)

MODEL_NAME = "topic-model.joblib"
RULE_WEIGHT = 0.5
MODEL_TERM = "model"  # what Topic.terms says for a topic only the model found


def model_path(data_dir: Path) -> Path:
    return data_dir / MODEL_NAME


def read_labelled(path: Path) -> list[tuple[str, list[str]]]:
    """(text, topic codes) from a JSON-lines file; lines without topics are skipped."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                data = json.loads(line)
                if data.get("topics"):
                    rows.append((data["text"], list(data["topics"])))
    return rows


def train(rows: Iterable[tuple[str, list[str]]]) -> Any:
    """Fit the model (needs scikit-learn: `pip install ingest-worker[ml]`)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer

    texts, labels = zip(*rows, strict=True)
    binarizer = MultiLabelBinarizer()
    targets = binarizer.fit_transform(labels)
    pipeline = make_pipeline(
        TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2), max_features=200_000),
        OneVsRestClassifier(LogisticRegression(max_iter=1000, C=10.0)),
    )
    pipeline.fit(texts, targets)
    return {"pipeline": pipeline, "codes": list(binarizer.classes_)}


def save(model: Any, data_dir: Path) -> Path:
    import joblib

    data_dir.mkdir(parents=True, exist_ok=True)
    path = model_path(data_dir)
    joblib.dump(model, path)
    return path


@cache
def load(data_dir: Path) -> Any | None:
    """The trained model under `data_dir`, or None (none trained, or no scikit-learn)."""
    path = model_path(data_dir)
    if not path.exists():
        return None
    try:
        import joblib

        return joblib.load(path)
    except ImportError:
        log.warning("classify.model_ignored", path=str(path), reason="scikit-learn missing")
        return None


@cache
def default_model() -> Any | None:
    """The model of this process's INGEST_DATA_DIR, looked for once per process (a
    worker started before `ingest classifier train` picks it up when restarted)."""
    return load(Settings().data_dir.resolve())


def probabilities(model: Any, text: str) -> dict[str, float]:
    """The model's probability of each topic code it was trained on."""
    scores = model["pipeline"].predict_proba([text])[0]
    return dict(zip(model["codes"], (float(s) for s in scores), strict=True))


def blend(rules: list[Topic], model: dict[str, float], taxonomy: Taxonomy) -> list[Topic]:
    """Rule topics and model probabilities, blended per code (see the module docstring)."""
    by_code = {t.code: t for t in rules}
    blended = []
    for code in by_code.keys() | {c for c in model if c in taxonomy.by_code}:
        rule = by_code.get(code)
        score = RULE_WEIGHT * (rule.score if rule else 0.0) + (1 - RULE_WEIGHT) * model.get(
            code, 0.0
        )
        if score >= taxonomy.scoring.threshold:
            label = taxonomy.by_code[code].label
            terms = rule.terms if rule else [MODEL_TERM]
            blended.append(Topic(code=code, label=label, score=round(score, 3), terms=terms))
    blended.sort(key=lambda t: (-t.score, t.code))
    return blended[: taxonomy.scoring.max_topics]
