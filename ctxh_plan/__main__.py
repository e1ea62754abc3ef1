from ctxh_plan.cli import console_main

console_main()
