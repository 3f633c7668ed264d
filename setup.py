"""Ship the top-level rules/ and schemas/ inside the wheel as linter/_data/.

They live at the top of the repository so people can read and review them
as data; the package finds them there in a checkout and under
``linter/_data`` once installed.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("rules", "schemas")


class BuildWithData(build_py):
    def run(self):
        super().run()
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "linter" / "_data"
        for name in DATA_DIRS:
            if (target / name).exists():
                shutil.rmtree(target / name)
            shutil.copytree(root / name, target / name)


setup(cmdclass={"build_py": BuildWithData})
