"""SIECLE « BEE » XML exports: reading (reader, one parser per export kind), validation and the
import service (importer), plus a synthetic export generator (generator). See
reference/siecle-format.md §1, §7, §8."""
