"""Read an entry's article: a Markdown file beside its topic file, images under ``media/``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..attachments import sniff
from .markdown import MEDIA_PATH, article_images
from .yamlsource import Problems

__all__ = [
    "ARTICLE_NAME",
    "IMAGE_TYPES",
    "MAX_ARTICLE_BYTES",
    "MAX_IMAGE_BYTES",
    "MEDIA_DIR",
    "Article",
    "read_article",
]

#: An article's file name: a plain name in the knowledge directory, ending in ``.md``.
ARTICLE_NAME = r"^[a-z0-9][a-z0-9._-]*\.md$"
#: The folder beside the knowledge files holding the articles' images.
MEDIA_DIR = "media"
MAX_ARTICLE_BYTES = 200_000
MAX_IMAGE_BYTES = 5 * 1024 * 1024
#: What an article may show, by extension, and the type its bytes must have.
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


@dataclass(frozen=True, slots=True)
class Article:
    """An article's Markdown and the images it shows (``media/...`` paths)."""

    text: str
    images: tuple[str, ...]


def read_article(
    directory: Path, name: str, problems: Problems, *, where: tuple[str, int], owner: str
) -> Article | None:
    """Return the article ``name`` of ``directory``, or record why not and return None.

    :param where: the file and line of the ``article:`` key (for errors about the file).
    :param owner: "entry `x` (fr)", to word errors.
    """
    yaml_file, line = where
    root = directory.resolve()
    path = directory / name
    # resolve(): a symlink must not lead out of the knowledge directory.
    if not path.is_file() or path.resolve().parent != root:
        problems.error(
            yaml_file, line, f"{owner}: article `{name}` is not a file beside {yaml_file}"
        )
        return None
    data = path.read_bytes()
    if len(data) > MAX_ARTICLE_BYTES:
        problems.error(str(path), 1, f"the article is larger than {MAX_ARTICLE_BYTES // 1000} kB")
        return None
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError as exc:
        problems.error(str(path), data[: exc.start].count(b"\n") + 1, "not UTF-8 text")
        return None
    if not text:
        problems.error(str(path), 1, f"the article of {owner} is empty")
        return None
    images = []
    for image in article_images(text):
        if _image_ok(root, str(path), image.src, image.alt, image.line, problems):
            images.append(image.src)
    return Article(text, tuple(dict.fromkeys(images)))


def _image_ok(root: Path, name: str, src: str, alt: str, line: int, problems: Problems) -> bool:
    suffix = Path(src).suffix.lower()
    if not MEDIA_PATH.match(src) or suffix not in IMAGE_TYPES:
        problems.error(
            name,
            line,
            f"image `{src}`: only images in the `{MEDIA_DIR}/` folder beside the knowledge "
            f"files ({', '.join(IMAGE_TYPES)}), e.g. `{MEDIA_DIR}/reset-form.png`",
        )
        return False
    path = root / src
    if not path.is_file() or not path.resolve().is_relative_to((root / MEDIA_DIR).resolve()):
        problems.error(name, line, f"image `{src}` not found in {root / MEDIA_DIR}")
        return False
    if path.stat().st_size > MAX_IMAGE_BYTES:
        problems.error(name, line, f"image `{src}` is larger than {MAX_IMAGE_BYTES >> 20} MB")
        return False
    if sniff(path.read_bytes()) != IMAGE_TYPES[suffix]:
        problems.error(name, line, f"image `{src}` is not a {suffix[1:].upper()} image")
        return False
    if not alt.strip():
        problems.error(name, line, f"image `{src}` needs a description: ![what it shows]({src})")
        return False
    return True
