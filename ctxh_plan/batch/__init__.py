from ctxh_plan.batch.run import *  # noqa
from ctxh_plan.batch.run import __all__  # noqa
