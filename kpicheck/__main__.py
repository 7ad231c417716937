from kpicheck.cli import main

main()
