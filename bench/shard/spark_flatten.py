"""bench/shard/spark_flatten.py: a file through jsonflat under Spark, written as Spark writes text (part-NNNNN
files in partition order, which is file order for textFile).

usage: spark_flatten.py MASTER INPUT OUTDIR
"""
import os
import sys

from pyspark.sql import SparkSession

master, source, outdir = sys.argv[1:4]
spark = SparkSession.builder.master(master).appName("jsonflat-bench").config("spark.ui.enabled", "false").getOrCreate()
spark.sparkContext.setLogLevel("ERROR")
try:
    lines = spark.sparkContext.textFile(source)
    lines.pipe("jsonflat flatten --ndjson --column 5 -", env={"PATH": os.environ["PATH"]}, checkCode=True).saveAsTextFile(outdir)
finally:
    spark.stop()
