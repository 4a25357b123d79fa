import numpy as np

from vectorstore.lexical import BM25Index, chinese_number, normalize_article_numbers, tokenize


def test_domain_terms_stay_whole():
    tokens = tokenize("项目支出绩效目标应当设置满意度指标和预算执行率")
    for term in ("绩效目标", "满意度", "预算执行率"):
        assert term in tokens


def test_article_label_is_one_token_and_digits_are_normalised():
    assert tokenize("第三十二条 各级预算应当")[0] == "第三十二条"
    assert "第三十二条" in tokenize("预算法第32条怎么规定", for_query=True)
    assert normalize_article_numbers("第105条、第10条、第20条") == "第一百零五条、第十条、第二十条"


def test_chinese_numbers():
    assert [chinese_number(n) for n in (1, 10, 11, 20, 32, 100, 101, 110, 119)] == [
        "一",
        "十",
        "十一",
        "二十",
        "三十二",
        "一百",
        "一百零一",
        "一百一十",
        "一百一十九",
    ]


def test_query_drops_question_words_and_punctuation():
    tokens = tokenize("没有列入预算的钱能不能花？", for_query=True)
    assert "能不能" not in tokens and "的" not in tokens and "？" not in tokens
    assert "预算" in tokens and "列入" in tokens
    # a query made only of stopwords keeps them rather than becoming empty
    assert tokenize("什么", for_query=True) == ["什么"]


def test_abbreviations_expand_to_the_statutory_words():
    tokens = tokenize("人大常委会审查预算", for_query=True)
    assert "常务委员会" in tokens and "人民代表大会" in tokens


def test_bm25_ranks_and_filters():
    index = BM25Index(["a", "b", "c"], [tokenize("预备费 自然灾害 支出"), tokenize("政府采购 预算"), []])
    assert [cid for cid, _ in index.search(tokenize("预备费", for_query=True), 5)] == ["a"]
    mask = np.array([False, True, True])
    assert [cid for cid, _ in index.search(tokenize("预备费 预算", for_query=True), 5, allowed=mask)] == ["b"]
    assert index.search(tokenize("完全无关的词汇", for_query=True), 5) == []


def test_empty_index():
    index = BM25Index([], [])
    assert len(index) == 0 and index.search(["预算"], 3) == []
