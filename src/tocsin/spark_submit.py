"""Entry point for spark-submit (the arguments are those of ``tocsin spark``):

    spark-submit --master yarn --archives tocsin-env.tar.gz#env \\
        "$(python -c 'import tocsin.spark_submit as m; print(m.__file__)')" \\
        s3a://bucket/cc-news/2024/11/*.warc.gz --out s3a://bucket/tocsin/2024-11

The master and the cluster's configuration come from spark-submit.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    from tocsin.cli import cli

    cli(["spark", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
