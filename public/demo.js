// Demo host page: embeds the widget exactly as the Botpress v12 docs do.
window.botpressWebChat.init({ host: location.origin, botId: 'welcome-bot' });
