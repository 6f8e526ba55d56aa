"""jieba segmentation for the classifier: one tokenizer per process, taxonomy terms kept whole."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

import jieba
import jieba.analyse

jieba.setLogLevel(logging.WARNING)
logger = logging.getLogger(__name__)

# jieba's keyword extractor only knows English stop words; these Chinese news words carry
# no topic ("记者 表示 开展 活动 …").
STOP_WORDS = frozenset(
    ["记者", "表示", "介绍", "开展", "活动", "工作", "进行", "通过", "目前", "今年", "去年", "日前", "近日", "当天", "据悉", "已经", "一个", "我们", "他们", "她们", "自己", "没有", "这个", "这些", "那些", "以及", "同时", "其中", "相关", "有关", "方面", "主要", "成为", "推动", "提升", "加强", "积极", "深入", "持续", "不断", "进一步", "实现", "发挥", "作用", "重要", "情况", "问题", "方式", "时间", "可以", "需要", "能够", "一些", "还是", "就是", "因为", "所以", "但是", "如果", "这样", "什么", "如何", "为了", "以来", "此次", "本次", "这次", "下一步", "其他", "来自", "共同", "一起", "一直", "负责人", "有限公司", "责任编辑", "来源", "本报讯", "本报", "新华社", "发布", "举行", "召开", "参加", "出席", "表示", "认为", "指出", "强调", "希望", "要求", "全面", "各地", "各类", "多个", "一年", "两年", "三年", "年度", "以上", "以下", "万元", "亿元"]
)


class Segmenter:
    """A private jieba.Tokenizer (not the global one) with extra words added once."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        self._added = {w for w in extra_words if len(w) >= 2}
        for word in self._added:
            self.tokenizer.add_word(word, freq=20000)
        self._tags: dict[str, str] | None = None
        self.extractor = jieba.analyse.TFIDF()
        self.extractor.tokenizer = self.tokenizer
        self.extractor.stop_words = set(self.extractor.stop_words) | STOP_WORDS

    @property
    def tags(self) -> dict[str, str]:
        """word -> part-of-speech tag from jieba's dictionary (loaded on first use)."""
        if self._tags is None:
            tags: dict[str, str] = {}
            with self.tokenizer.get_dict_file() as handle:
                for line in handle:
                    parts = line.decode("utf-8").split()
                    if len(parts) == 3:
                        tags[parts[0]] = parts[2]
            self._tags = tags
        return self._tags

    def tag(self, word: str) -> str | None:
        tag = self.tags.get(word)
        return "n" if tag is None and word in self._added else tag

    def cut(self, text: str) -> list[str]:
        # HMM off: new-word guessing is slow and invents words inside names we want whole
        return self.tokenizer.lcut(text, HMM=False)

    def keywords(self, text: str, top: int = 8) -> list[str]:
        """Top TF-IDF words of `text` (jieba's IDF table; unknown words get the median IDF)."""
        return self.keywords_of(self.cut(text), top)

    def keywords_of(self, tokens: list[str], top: int = 8) -> list[str]:
        """Top TF-IDF words among already-cut `tokens`."""
        idf, median = self.extractor.idf_freq, self.extractor.median_idf
        stop = self.extractor.stop_words
        freq: dict[str, float] = {}
        for word in tokens:
            if len(word) >= 2 and word not in stop and not word.isascii():
                freq[word] = freq.get(word, 0.0) + idf.get(word, median)
        return sorted(freq, key=lambda w: -freq[w])[:top]


@lru_cache(maxsize=4)
def segmenter(extra_words: tuple[str, ...] = ()) -> Segmenter:
    return Segmenter(extra_words)
