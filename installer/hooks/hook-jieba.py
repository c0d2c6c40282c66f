"""Local PyInstaller hook for jieba, overriding hooks-contrib's (which bundles ~30 MB of data).

The app only segments with the default dictionary and extracts keywords with TF-IDF: dict.txt and
analyse/idf.txt suffice. The HMM tables are Python modules (collected as code); the paddle/LAC model,
the pickled .p tables (Jython only) and posseg are not needed.
"""

from PyInstaller.utils.hooks import get_package_paths

_, _jieba_dir = get_package_paths("jieba")

datas = [
    (f"{_jieba_dir}/dict.txt", "jieba"),
    (f"{_jieba_dir}/analyse/idf.txt", "jieba/analyse"),
]
excludedimports = ["paddle", "jieba.lac_small", "pkg_resources"]
