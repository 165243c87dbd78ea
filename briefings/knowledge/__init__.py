"""The knowledge base: shipped articles cut into bilingual passages, topics and retrieval."""

from briefings.knowledge.articles import Article, ArticleError, Claim, Passage, load_articles
from briefings.knowledge.base import KnowledgeBase, load_knowledge_base
from briefings.knowledge.topics import Topic

__all__ = [
    "Article",
    "ArticleError",
    "Claim",
    "KnowledgeBase",
    "Passage",
    "Topic",
    "load_articles",
    "load_knowledge_base",
]
