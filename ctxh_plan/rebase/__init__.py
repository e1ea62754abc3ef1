from ctxh_plan.rebase.core import *  # noqa
from ctxh_plan.rebase.core import __all__  # noqa
