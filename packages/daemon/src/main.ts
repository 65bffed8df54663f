console.log('gossip5 daemon: not wired yet');
