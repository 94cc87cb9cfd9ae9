from curation.cli.main import main

main()
