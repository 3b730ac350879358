"""The stream benchmark: realistic entries (``generate``), the measured run (``stream``) and the two
reference pipelines it is compared with (``references``)."""
