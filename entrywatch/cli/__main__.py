import sys

from entrywatch.cli import main

sys.exit(main())
