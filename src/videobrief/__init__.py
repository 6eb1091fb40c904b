"""videobrief: a news video in, a timestamped, language-safe transcript and a page out — offline."""

import warnings

__version__ = "0.1.0"

# natasha 1.6 requires pymorphy2 (its maintained fork pymorphy3 is not accepted), and pymorphy2
# imports setuptools' deprecated pkg_resources whenever it builds an analyzer; `setuptools<81`
# keeps that working. The warning says nothing a user can act on, so it is not shown.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
