from borgui.cli import main

raise SystemExit(main())
